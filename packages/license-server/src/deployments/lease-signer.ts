import { signLease, type LeaseStatus, type SigningKey } from '@tollgate/license-client'
import type { Db } from '../db/database.js'
import type { SigningKeyStore } from '../signing-keys/signing-key-store.js'

const DAY_MS = 86_400_000

/**
 * Signs leases with the tenant's active signing key through the codec's `signLease`. The active
 * key is looked up at most once per `ttlMs` per tenant (a heartbeat must not cost a key query);
 * after a rotation the previous key may sign for up to `ttlMs` more, which is harmless: it is
 * still in the JWKS (only a retired key can be removed, and retiring happens after rotating).
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
  readonly #active = new Map<string, { key: SigningKey; at: number }>()

  constructor(db: Db, signingKeys: SigningKeyStore, options: { ttlMs?: number } = {}) {
    this.#db = db
    this.#signingKeys = signingKeys
    this.#ttlMs = options.ttlMs ?? 2000
  }

  /** The tenant's active signing key (cached for `ttlMs`). */
  async activeKey(tenantId: string): Promise<SigningKey> {
    const hit = this.#active.get(tenantId)
    if (hit && Date.now() - hit.at < this.#ttlMs) return hit.key
    const key = await this.#signingKeys.getActive(this.#db, tenantId)
    this.#active.set(tenantId, { key, at: Date.now() })
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
