import type { PendingHeartbeat } from './heartbeat-coalescer.js'

/** A (license, source address) sighting to upsert. */
export interface AddressSighting {
  licenseId: string
  tenantId: string
  address: string
  seenAt: Date
}

/**
 * Decides which (license, address) sightings of a heartbeat flush need writing: a pair is
 * rewritten at most once per `refreshMs` (key-sharing windows are hours, so a minute of
 * resolution costs nothing), keeping address tracking off the per-heartbeat write path.
 * Licenses with a pair this instance had not seen recently are returned for key-sharing checks.
 *
 * @example
 * ```ts
 * const tracker = new AddressTracker()
 * const { sightings, licenseIds } = tracker.due(flushed, Date.now())
 * ```
 */
export class AddressTracker {
  readonly #refreshMs: number
  readonly #written = new Map<string, number>()

  constructor(options: { refreshMs?: number } = {}) {
    this.#refreshMs = options.refreshMs ?? 60_000
  }

  /** The sightings to write and the licenses with an address new to this instance (`nowMs`: app clock). */
  due(
    rows: readonly Pick<PendingHeartbeat, 'licenseId' | 'tenantId' | 'address' | 'seenAt'>[],
    nowMs: number,
  ): { sightings: AddressSighting[]; licenseIds: string[] } {
    const sightings: AddressSighting[] = []
    const licenseIds = new Set<string>()
    for (const r of rows) {
      if (r.address === null) continue
      const key = `${r.licenseId}\u0000${r.address}`
      const last = this.#written.get(key)
      if (last !== undefined && nowMs - last < this.#refreshMs) continue
      if (last === undefined) licenseIds.add(r.licenseId)
      this.#written.set(key, nowMs)
      sightings.push({
        licenseId: r.licenseId,
        tenantId: r.tenantId,
        address: r.address,
        seenAt: r.seenAt,
      })
    }
    this.#prune(nowMs)
    return { sightings, licenseIds: [...licenseIds] }
  }

  #prune(nowMs: number): void {
    if (this.#written.size < 10_000) return
    // Entries older than a window carry no information any more: a pair seen again is "new"
    // and triggers one more (idempotent) key-sharing check.
    for (const [key, at] of this.#written) {
      if (nowMs - at >= this.#refreshMs * 10) this.#written.delete(key)
    }
  }
}
