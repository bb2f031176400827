import { signLease, type KeySet, type LeaseStatus, type SigningKey } from '@tollgate/license-client'
import type { Db } from '../db/database.js'
import type { SigningKeyStore } from '../signing-keys/signing-key-store.js'

const DAY_MS = 86_400_000

/**
 * Signs leases with the tenant's active signing key through the codec's `signLease`. The active
 * key is looked up at most once per `ttlMs` per tenant (a heartbeat must not cost a key query),
 * and again as soon as the signing-key store hands out a new key set: the store invalidates it
 * on every local rotate / retire / remove, so those take effect at the next lease. A change made
 * on another instance shows within the store's refresh time plus `ttlMs`; until then the old key
 * still signs, and it is still in the JWKS unless it was removed in that window.
 *
 * @example
 * ```ts
 * const signer = new LeaseSigner(db, app.tollgate.signingKeys)
 * const lease = await signer.sign(tenantId, { licenseId, deploymentId, status: 'active', serverTime: now, offlineGraceDays: 30 })
 * ```
 */
export class LeaseSigner {
  readonly #db: Db
  readonly #signingKeys: SigningKeyStore
  readonly #ttlMs: number
  readonly #active = new Map<string, { key: SigningKey; keys: KeySet; at: number }>()

  constructor(db: Db, signingKeys: SigningKeyStore, options: { ttlMs?: number } = {}) {
    this.#db = db
    this.#signingKeys = signingKeys
    this.#ttlMs = options.ttlMs ?? 2000
  }

  /** The tenant's active signing key (cached for `ttlMs`). */
  async activeKey(tenantId: string): Promise<SigningKey> {
    const keys = await this.#signingKeys.keySet(this.#db, tenantId)
    const hit = this.#active.get(tenantId)
    if (hit && hit.keys === keys && Date.now() - hit.at < this.#ttlMs) return hit.key
    const key = await this.#signingKeys.getActive(this.#db, tenantId)
    this.#active.set(tenantId, { key, keys, at: Date.now() })
    return key
  }

  /** A lease valid until `serverTime + offlineGraceDays`. */
  async sign(
    tenantId: string,
    lease: {
      licenseId: string
      deploymentId: string
      status: LeaseStatus
      serverTime: Date
      offlineGraceDays: number
    },
  ): Promise<string> {
    const key = await this.activeKey(tenantId)
    return signLease(
      {
        licenseId: lease.licenseId,
        deploymentId: lease.deploymentId,
        status: lease.status,
        serverTime: lease.serverTime,
        validUntil: new Date(lease.serverTime.getTime() + lease.offlineGraceDays * DAY_MS),
      },
      key,
    )
  }

  /** Forgets cached keys (after a local rotation). */
  invalidate(): void {
    this.#active.clear()
  }
}
