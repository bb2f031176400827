import { SingleFlight } from '../lib/single-flight.js'
import type { LicenseRow } from './license.table.js'
import { toLicenseView, type LicenseView } from './license.view.js'

const MAX_ENTRIES = 50_000

/** A cached row with its API view (built once, not on every validation). */
export interface CachedLicense {
  row: LicenseRow
  view: LicenseView
}

interface Entry extends CachedLicense {
  /** After this a read still answers from the entry but refreshes it in the background. */
  refreshAt: number
  /** After this the entry is not used: never older than one TTL. */
  until: number
}

/**
 * A short-lived cache of license rows for online validation (`VALIDATE_CACHE_MS`, default 1 s;
 * 0 turns it off). Status changes made through the licensing services of this process drop the
 * entry at once and keep it uncached for one TTL (so a read racing the commit cannot re-cache
 * the old row); other instances see a change within one TTL.
 *
 * {@link LicenseRowCache.load} refreshes an entry in the background once it is half to three
 * quarters of a TTL old, so a license validated steadily never makes a request wait for the
 * database; concurrent misses of one license share one query.
 *
 * @example
 * ```ts
 * const cache = new LicenseRowCache(1000)
 * cache.invalidate(tenantId, licenseId)
 * ```
 */
export class LicenseRowCache {
  readonly #ttlMs: number
  readonly #rows = new Map<string, Entry>()
  readonly #blocked = new Map<string, number>()
  readonly #loads = new SingleFlight<string, CachedLicense | undefined>()
  readonly #listeners: ((tenantId: string, licenseId: string) => void)[] = []

  constructor(ttlMs: number) {
    this.#ttlMs = ttlMs
  }

  /**
   * The license through the cache: a fresh entry as is; an entry due for refresh as is, with
   * one background reload; otherwise `fetch()` (shared by concurrent callers), cached.
   * `undefined` when the license does not exist. With the cache off, always `fetch()`.
   */
  async load(
    tenantId: string,
    licenseId: string,
    fetch: () => Promise<LicenseRow | undefined>,
  ): Promise<CachedLicense | undefined> {
    if (this.#ttlMs <= 0) {
      const row = await fetch()
      return row ? { row, view: toLicenseView(row) } : undefined
    }
    const key = `${tenantId}/${licenseId}`
    const hit = this.#rows.get(key)
    const now = Date.now()
    if (hit && now < hit.until) {
      if (now >= hit.refreshAt) {
        // A failed refresh is retried by the next read; the entry still expires at `until`.
        this.#reload(key, tenantId, licenseId, fetch).catch(() => undefined)
      }
      return hit
    }
    if (hit) this.#rows.delete(key)
    return this.#reload(key, tenantId, licenseId, fetch)
  }

  #reload(
    key: string,
    tenantId: string,
    licenseId: string,
    fetch: () => Promise<LicenseRow | undefined>,
  ): Promise<CachedLicense | undefined> {
    return this.#loads.run(key, async () => {
      const row = await fetch()
      if (!row) {
        this.#rows.delete(key)
        return undefined
      }
      return this.set(tenantId, licenseId, row)
    })
  }

  /**
   * Caches a row read from the database (unless the license changed within one TTL) and
   * returns it with its view.
   */
  set(tenantId: string, licenseId: string, row: LicenseRow): CachedLicense {
    const cached = { row, view: toLicenseView(row) }
    if (this.#ttlMs <= 0) return cached
    const key = `${tenantId}/${licenseId}`
    const blockedUntil = this.#blocked.get(key)
    if (blockedUntil !== undefined) {
      if (Date.now() < blockedUntil) return cached
      this.#blocked.delete(key)
    }
    if (!this.#rows.has(key) && this.#rows.size >= MAX_ENTRIES) {
      const oldest = this.#rows.keys().next().value
      if (oldest !== undefined) this.#rows.delete(oldest)
    }
    // Refreshes start between half and three quarters of the TTL, so rows cached together are
    // not all reloaded in the same instant.
    const now = Date.now()
    const refreshAt = now + this.#ttlMs * (0.5 + Math.random() * 0.25)
    this.#rows.set(key, { ...cached, refreshAt, until: now + this.#ttlMs })
    return cached
  }

  /**
   * Calls `listener` on every {@link LicenseRowCache.invalidate}: caches derived from license
   * rows (the revocation list version) learn of each change made by this process.
   */
  onChange(listener: (tenantId: string, licenseId: string) => void): void {
    this.#listeners.push(listener)
  }

  /** Drops a license after a change and keeps it uncached for one TTL. */
  invalidate(tenantId: string, licenseId: string): void {
    for (const listener of this.#listeners) listener(tenantId, licenseId)
    if (this.#ttlMs <= 0) return
    const key = `${tenantId}/${licenseId}`
    this.#rows.delete(key)
    // A load running now may have read the row before the change: later reads start their own.
    this.#loads.forget(key)
    this.#blocked.set(key, Date.now() + this.#ttlMs)
    if (this.#blocked.size > MAX_ENTRIES) {
      const oldest = this.#blocked.keys().next().value
      if (oldest !== undefined) this.#blocked.delete(oldest)
    }
  }
}
