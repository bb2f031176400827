import { KeySet, type Jwks, type SigningKey } from '@tollgate/license-client'
import type { Db } from '../db/database.js'
import { AppError } from '../errors/app-error.js'
import { LruCache, type LruStats } from '../lib/lru-cache.js'
import { SingleFlight } from '../lib/single-flight.js'
import { unsealSigningKey } from './get-active-signing-key.js'
import { findNewestActiveKey, listSigningKeys } from './signing-key.repository.js'
import { VerifiedTokenMemo, type VerifiedToken } from './verified-token-memo.js'

export type { VerifiedToken } from './verified-token-memo.js'

/** Tenants whose key sets are kept; only tenants that have keys are ever cached. */
const KEY_SETS_MAX = 10_000
const PRIVATE_KEYS_MAX = 1_000

interface CachedKeySet {
  keys: KeySet
  jwks: Jwks
  at: number
}

/**
 * Per-app cache in front of the signing_keys table: the verification KeySet and JWKS of each
 * tenant (parsed once, refreshed every `ttlMs` so other instances' rotations show up) and the
 * decrypted private keys. Local rotations call {@link SigningKeyStore.invalidate}. Every map is
 * a bounded LRU ({@link SigningKeyStore.cacheStats} feeds /metrics), and a tenant without keys (an
 * unknown `iss` named by an unsigned key) is never cached: a flood of made-up issuers costs
 * queries the rate limits bound, never memory.
 *
 * A key set older than `ttlMs` is still answered while one background reload replaces it (up to
 * twice `ttlMs`; older ones are awaited): every validation needs the set, so an expiry that made
 * each request query the database at once would stall all of them.
 *
 * @example
 * ```ts
 * const key = await app.tollgate.signingKeys.getActive(db, tenantId)
 * const keys = await app.tollgate.signingKeys.keySet(db, tenantId)
 * ```
 */
export class SigningKeyStore {
  readonly #masterKey: Buffer
  readonly #ttlMs: number
  readonly #sets = new LruCache<string, CachedKeySet>('signing_key_sets', KEY_SETS_MAX)
  readonly #private = new LruCache<string, SigningKey>('signing_private_keys', PRIVATE_KEYS_MAX)
  /** Verified token strings (bounded LRU of digests; metrics read its stats). */
  readonly verified: VerifiedTokenMemo
  readonly #loads = new SingleFlight<string, CachedKeySet>()
  /** Bumped by `invalidate`: a reload that started before it does not store its result. */
  #generation = 0

  constructor(masterKey: Buffer, opts: { ttlMs?: number; verifiedMemoBytes?: number } = {}) {
    this.#masterKey = masterKey
    this.#ttlMs = opts.ttlMs ?? 5000
    this.verified = new VerifiedTokenMemo(opts.verifiedMemoBytes)
  }

  /** The master key (for code that seals its own secrets). */
  get masterKey(): Buffer {
    return this.#masterKey
  }

  /** The tenant's newest active key, decrypted (cached by kid). */
  async getActive(db: Db, tenantId: string): Promise<SigningKey> {
    const row = await findNewestActiveKey(db, tenantId)
    if (row === undefined) throw new AppError('NO_ACTIVE_SIGNING_KEY')
    let key = this.#private.get(row.kid)
    if (key === undefined) {
      key = unsealSigningKey(row, this.#masterKey)
      this.#private.set(row.kid, key)
    }
    return key
  }

  /** The tenant's active keys, decrypted (cached by kid): they sign the served key set. */
  async activeKeys(db: Db, tenantId: string): Promise<SigningKey[]> {
    const rows = (await listSigningKeys(db, tenantId)).filter((r) => r.state === 'active')
    return rows.map((row) => {
      let key = this.#private.get(row.kid)
      if (key === undefined) {
        key = unsealSigningKey(row, this.#masterKey)
        this.#private.set(row.kid, key)
      }
      return key
    })
  }

  async #load(db: Db, tenantId: string): Promise<CachedKeySet> {
    const hit = this.#sets.get(tenantId)
    if (hit) {
      const age = Date.now() - hit.at
      if (age < this.#ttlMs) return hit
      if (age < 2 * this.#ttlMs) {
        // A failed reload is retried by the next call; past 2 × ttl callers wait for one.
        this.#reload(db, tenantId).catch(() => undefined)
        return hit
      }
    }
    return this.#reload(db, tenantId)
  }

  #reload(db: Db, tenantId: string): Promise<CachedKeySet> {
    const generation = this.#generation
    return this.#loads.run(tenantId, async () => {
      const rows = await listSigningKeys(db, tenantId)
      const jwks: Jwks = { keys: rows.map((r) => r.public_jwk) }
      const entry = { keys: KeySet.from(jwks), jwks, at: Date.now() }
      // An unknown tenant is not cached: its id came from unsigned input.
      if (generation === this.#generation && rows.length > 0) this.#sets.set(tenantId, entry)
      return entry
    })
  }

  /** The tenant's verification keys (active and retired). */
  async keySet(db: Db, tenantId: string): Promise<KeySet> {
    return (await this.#load(db, tenantId)).keys
  }

  /**
   * The key set for verifying a token signed by `kid`: when the cached set lacks it (a key
   * rotated in on another instance), reloads at most once a second per tenant.
   */
  async keySetFor(db: Db, tenantId: string, kid: string): Promise<KeySet> {
    const entry = await this.#load(db, tenantId)
    if (entry.keys.has(kid) || Date.now() - entry.at < 1000) return entry.keys
    return (await this.#reload(db, tenantId)).keys
  }

  /** The tenant's JWKS document (active and retired public keys). */
  async jwks(db: Db, tenantId: string): Promise<Jwks> {
    return (await this.#load(db, tenantId)).jwks
  }

  /**
   * Remembers that `token`'s signature verified. Kids are key thumbprints, so a kid names one
   * public key forever: a later check only has to confirm the kid is still in the tenant's set.
   */
  rememberVerified(token: string, info: VerifiedToken): void {
    this.verified.remember(token, info)
  }

  /** A remembered verification of exactly this token string, if any. */
  recallVerified(token: string): VerifiedToken | undefined {
    return this.verified.recall(token)
  }

  /** Sizes and counters of the caches, for /metrics. */
  cacheStats(): LruStats[] {
    return [this.#sets.stats(), this.#private.stats(), this.verified.stats()]
  }

  /** Forgets cached keys of a tenant (after rotate / retire / remove). */
  invalidate(tenantId: string): void {
    this.#generation++
    this.#sets.delete(tenantId)
    this.#loads.forget(tenantId)
    this.#private.clear()
  }
}
