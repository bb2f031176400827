import type { LicenseRow } from './license.table.js'
import { toLicenseView, type LicenseView } from './license.view.js'

const MAX_ENTRIES = 50_000

/** A cached row with its API view (built once, not on every validation). */
export interface CachedLicense {
  row: LicenseRow
  view: LicenseView
}

/**
 * A short-lived cache of license rows for online validation (`VALIDATE_CACHE_MS`, default 1 s;
 * 0 turns it off). Status changes made through the licensing services of this process drop the
 * entry at once and keep it uncached for one TTL (so a read racing the commit cannot re-cache
 * the old row); other instances see a change within one TTL.
 *
 * @example
 * ```ts
 * const cache = new LicenseRowCache(1000)
 * cache.invalidate(tenantId, licenseId)
 * ```
 */
export class LicenseRowCache {
  readonly #ttlMs: number
  readonly #rows = new Map<string, CachedLicense & { until: number }>()
  readonly #blocked = new Map<string, number>()

  constructor(ttlMs: number) {
    this.#ttlMs = ttlMs
  }

  /** A fresh cached row (and its view), if any. */
  get(tenantId: string, licenseId: string): CachedLicense | undefined {
    if (this.#ttlMs <= 0) return undefined
    const key = `${tenantId}/${licenseId}`
    const hit = this.#rows.get(key)
    if (!hit) return undefined
    if (Date.now() >= hit.until) {
      this.#rows.delete(key)
      return undefined
    }
    return hit
  }

  /** Caches a row read from the database (unless the license changed within one TTL). */
  set(tenantId: string, licenseId: string, row: LicenseRow): void {
    if (this.#ttlMs <= 0) return
    const key = `${tenantId}/${licenseId}`
    const blockedUntil = this.#blocked.get(key)
    if (blockedUntil !== undefined) {
      if (Date.now() < blockedUntil) return
      this.#blocked.delete(key)
    }
    if (this.#rows.size >= MAX_ENTRIES) {
      const oldest = this.#rows.keys().next().value
      if (oldest !== undefined) this.#rows.delete(oldest)
    }
    // Entries live between half and all of the TTL, so rows cached together do not all expire
    // (and hit the database) in the same instant.
    const life = this.#ttlMs * (0.5 + Math.random() * 0.5)
    this.#rows.set(key, { row, view: toLicenseView(row), until: Date.now() + life })
  }

  /** Drops a license after a change and keeps it uncached for one TTL. */
  invalidate(tenantId: string, licenseId: string): void {
    if (this.#ttlMs <= 0) return
    const key = `${tenantId}/${licenseId}`
    this.#rows.delete(key)
    this.#blocked.set(key, Date.now() + this.#ttlMs)
    if (this.#blocked.size > MAX_ENTRIES) {
      const oldest = this.#blocked.keys().next().value
      if (oldest !== undefined) this.#blocked.delete(oldest)
    }
  }
}
