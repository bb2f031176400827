import type { PendingHeartbeat } from './heartbeat-coalescer.js'

/** A (license, source address) sighting to upsert. */
export interface AddressSighting {
  licenseId: string
  tenantId: string
  address: string
  seenAt: Date
}

/** Options of {@link AddressTracker}. */
export interface AddressTrackerOptions {
  /** A pair is rewritten at most this often, ms (default 60 000). */
  refreshMs?: number
  /**
   * A pair is remembered this long after its last write, ms (default 25 h: longer than any
   * heartbeat interval, so an hourly heartbeat from a known address is never "new").
   */
  forgetMs?: number
  /** Pairs remembered at most (default 1 000 000, ~60 bytes each); least recent go first. */
  maxPairs?: number
}

/**
 * Decides which (license, address) sightings of a heartbeat flush need writing: a pair is
 * rewritten at most once per `refreshMs` (key-sharing windows are hours, so a minute of
 * resolution costs nothing), keeping address tracking off the per-heartbeat write path.
 * Licenses with a pair this instance had not seen recently are returned for key-sharing checks.
 * Pairs are kept as 52-bit hashes (a collision only skips one address refresh).
 *
 * @example
 * ```ts
 * const tracker = new AddressTracker()
 * const { sightings, licenseIds } = tracker.due(flushed, Date.now())
 * ```
 */
export class AddressTracker {
  readonly #refreshMs: number
  readonly #forgetMs: number
  readonly #maxPairs: number
  /** Pair hash -> when it was last written (app clock, ms); insertion order = write order. */
  readonly #written = new Map<number, number>()

  constructor(options: AddressTrackerOptions = {}) {
    this.#refreshMs = options.refreshMs ?? 60_000
    this.#forgetMs = options.forgetMs ?? 25 * 3_600_000
    this.#maxPairs = options.maxPairs ?? 1_000_000
  }

  /** Pairs remembered now. */
  get size(): number {
    return this.#written.size
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
      const key = pairHash(r.licenseId, r.address)
      const last = this.#written.get(key)
      if (last !== undefined && nowMs - last < this.#refreshMs) continue
      if (last === undefined || nowMs - last >= this.#forgetMs) licenseIds.add(r.licenseId)
      this.#written.delete(key)
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
    // Oldest writes first: stop at the first pair still worth remembering, unless over the cap.
    for (const [key, at] of this.#written) {
      if (this.#written.size <= this.#maxPairs && nowMs - at < this.#forgetMs) break
      this.#written.delete(key)
    }
  }
}

/** FNV-1a over the pair, two 32-bit lanes folded into 52 bits (a safe integer). */
function pairHash(licenseId: string, address: string): number {
  let a = 0x811c9dc5
  let b = 0x050c5d1f
  const s = `${licenseId}\u0000${address}`
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    a = Math.imul(a ^ c, 0x01000193)
    b = Math.imul(b ^ c, 0x01000193) ^ (b >>> 15)
  }
  return (a >>> 0) * 0x100000 + ((b >>> 0) & 0xfffff)
}
