import type { ApiKeyRow } from '../api-keys/api-key.table.js'
import { LruCache, type LruStats } from '../lib/lru-cache.js'
import type { SharedAuthFailures } from './shared-auth-failures.js'

const MAX_KEYS = 10_000
const MAX_IPS = 50_000

/**
 * Admin key lookups reused for `ttlMs` (by secret hash; only keys that exist are cached), so a
 * busy script does not cost one query per request. A revocation made on this instance forgets
 * the key at once and keeps it uncached for one TTL (a lookup racing the revocation cannot put
 * the old row back); other instances see it within `ttlMs`.
 *
 * @example
 * ```ts
 * const keys = new AdminKeyCache(5000)
 * keys.forgetKey('key_...') // after a revocation
 * ```
 */
export class AdminKeyCache {
  readonly #ttlMs: number
  readonly #rows = new LruCache<string, { row: ApiKeyRow; until: number }>('admin_keys', MAX_KEYS)
  readonly #blocked = new LruCache<string, number>('admin_keys_revoked', MAX_KEYS)

  constructor(ttlMs: number) {
    this.#ttlMs = ttlMs
  }

  get(keyHash: string, nowMs: number): ApiKeyRow | undefined {
    if (this.#ttlMs <= 0) return undefined
    const hit = this.#rows.get(keyHash)
    if (!hit) return undefined
    if (nowMs < hit.until) return hit.row
    this.#rows.delete(keyHash)
    return undefined
  }

  set(keyHash: string, row: ApiKeyRow, nowMs: number): void {
    if (this.#ttlMs <= 0) return
    const blockedUntil = this.#blocked.get(row.id)
    if (blockedUntil !== undefined && nowMs < blockedUntil) return
    this.#rows.set(keyHash, { row, until: nowMs + this.#ttlMs })
  }

  /** Drops a key after its revocation on this instance. */
  forgetKey(id: string, nowMs: number): void {
    if (this.#ttlMs <= 0) return
    this.#blocked.set(id, nowMs + this.#ttlMs)
    this.#rows.delete(this.#hashOf(id) ?? '')
  }

  #hashOf(id: string): string | undefined {
    return this.#rows.findKey((v) => v.row.id === id)
  }

  cacheStats(): LruStats[] {
    return [this.#rows.stats()]
  }
}

/**
 * Failed admin authentications per client IP in a fixed window, checked before the key lookup:
 * a guesser is answered 429 without touching the database. In process (bounded LRU of IPs), and
 * with `REDIS_URL` also in Redis ({@link SharedAuthFailures}) so N instances share one limit;
 * while Redis cannot be reached the in-process count decides.
 *
 * @example
 * ```ts
 * const failures = new AuthFailureLimiter(30, 300_000)
 * const retryS = await failures.blockedFor(ip, Date.now()) // undefined: go ahead
 * ```
 */
export class AuthFailureLimiter {
  readonly #max: number
  readonly #windowMs: number
  readonly #shared: SharedAuthFailures | undefined
  readonly #ips = new LruCache<string, { count: number; resetAt: number }>(
    'admin_auth_failures',
    MAX_IPS,
  )

  constructor(max: number, windowMs: number, shared?: SharedAuthFailures) {
    this.#max = max
    this.#windowMs = windowMs
    this.#shared = shared
  }

  /** Seconds until `ip` may try again, or undefined when it is not blocked. */
  async blockedFor(ip: string, nowMs: number): Promise<number | undefined> {
    if (this.#shared) {
      try {
        return await this.#shared.blockedFor(ip, this.#max)
      } catch {
        // Redis unreachable: this instance's own count still limits the guesser.
      }
    }
    const e = this.#ips.get(ip)
    if (!e || nowMs >= e.resetAt || e.count < this.#max) return undefined
    return Math.max(1, Math.ceil((e.resetAt - nowMs) / 1000))
  }

  /** Counts one failure of `ip` (in process, and in Redis when configured). */
  async fail(ip: string, nowMs: number): Promise<void> {
    const e = this.#ips.get(ip)
    if (!e || nowMs >= e.resetAt) this.#ips.set(ip, { count: 1, resetAt: nowMs + this.#windowMs })
    else e.count += 1
    await this.#shared?.fail(ip).catch(() => undefined)
  }

  cacheStats(): LruStats[] {
    return [this.#ips.stats()]
  }
}
