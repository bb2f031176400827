import { createHash } from 'node:crypto'
import type { LruStats } from '../lib/lru-cache.js'

/** What a successful signature check established about a token (see `recallVerified`). */
export interface VerifiedToken {
  tenantId: string
  kid: string
  licenseId: string
  /** The plan tier the token names (fleet rate limits). */
  tier: string
  /** Unix seconds. */
  nbf: number
}

/** Default capacity: ~100 MB at ~390 bytes an entry (measured), a quarter of a 1M-key fleet. */
export const DEFAULT_VERIFIED_MEMO_SIZE = 250_000

/**
 * Remembers which token strings verified, keyed by a 128-bit SHA-256 prefix of the token (the
 * token itself is ~700 bytes; a digest makes an entry ~390 bytes, so the memo can hold a large
 * fleet) with tenant, kid and tier strings shared between entries. Least recently used entries
 * go first once `capacity` is reached. A collision needs a second preimage of SHA-256.
 *
 * @example
 * ```ts
 * const memo = new VerifiedTokenMemo(250_000)
 * memo.remember(token, { tenantId, kid, licenseId, tier, nbf })
 * memo.recall(token)?.licenseId
 * ```
 */
export class VerifiedTokenMemo {
  readonly capacity: number
  readonly #entries = new Map<string, VerifiedToken>()
  readonly #interned = new Map<string, string>()
  hits = 0
  misses = 0
  evictions = 0

  constructor(capacity: number = DEFAULT_VERIFIED_MEMO_SIZE) {
    this.capacity = Math.max(1, capacity)
  }

  get size(): number {
    return this.#entries.size
  }

  /** A remembered verification of exactly this token string, if any. */
  recall(token: string): VerifiedToken | undefined {
    const k = digest(token)
    const hit = this.#entries.get(k)
    if (hit === undefined) {
      this.misses += 1
      return undefined
    }
    this.hits += 1
    // Least recently used order: move to the end.
    this.#entries.delete(k)
    this.#entries.set(k, hit)
    return hit
  }

  /** Remembers that `token` verified. */
  remember(token: string, info: VerifiedToken): void {
    const k = digest(token)
    this.#entries.delete(k)
    while (this.#entries.size >= this.capacity) {
      const oldest = this.#entries.keys().next().value
      if (oldest === undefined) break
      this.#entries.delete(oldest)
      this.evictions += 1
    }
    this.#entries.set(k, {
      tenantId: this.#intern(info.tenantId),
      kid: this.#intern(info.kid),
      licenseId: info.licenseId,
      tier: this.#intern(info.tier),
      nbf: info.nbf,
    })
  }

  /** Size and counters, in the shape of the other caches' stats (for /metrics). */
  stats(): LruStats {
    const { size, capacity: max, hits, misses, evictions } = this
    return { name: 'verified_tokens', size, max, hits, misses, evictions }
  }

  /** Tenants, kids and tiers are few: one copy each (bounded: cleared past 10,000). */
  #intern(s: string): string {
    const known = this.#interned.get(s)
    if (known !== undefined) return known
    if (this.#interned.size >= 10_000) this.#interned.clear()
    this.#interned.set(s, s)
    return s
  }
}

function digest(token: string): string {
  return createHash('sha256').update(token).digest('base64url').slice(0, 22)
}
