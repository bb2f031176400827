import { decodeLicense, LicenseError, verifyLicense, type KeySet } from '@tollgate/license-client'
import type { Db } from '../db/database.js'
import { AppError } from '../errors/app-error.js'
import type { SigningKeyStore } from '../signing-keys/signing-key-store.js'

/** Who a license key names, once its signature checked out. */
export interface VerifiedKey {
  licenseId: string
  tenantId: string
  tier: string
}

interface Entry extends VerifiedKey {
  keys: KeySet
}

/**
 * Verifies license keys of the fleet endpoints against the issuing tenant's keys, remembering
 * successes: a deployment sends the same key with every heartbeat, and re-verifying identical
 * bytes against the identical key set cannot give another answer. An entry counts only while
 * the tenant's current key set is the very object it was verified with, so a rotation or a
 * removed key (a new KeySet) re-verifies. Expiry is not judged here (the lease carries status).
 *
 * @example
 * ```ts
 * const verifier = new LicenseKeyVerifier(db, app.tollgate.signingKeys)
 * const { licenseId, tenantId } = await verifier.verify(body.key, new Date())
 * ```
 */
export class LicenseKeyVerifier {
  readonly #db: Db
  readonly #signingKeys: SigningKeyStore
  readonly #max: number
  readonly #cache = new Map<string, Entry>()

  constructor(db: Db, signingKeys: SigningKeyStore, options: { maxEntries?: number } = {}) {
    this.#db = db
    this.#signingKeys = signingKeys
    this.#max = options.maxEntries ?? 20_000
  }

  /** The license a key names; INVALID_LICENSE_KEY when it does not verify. */
  async verify(key: string, now: Date): Promise<VerifiedKey> {
    // Keyed by the key itself: only keys that verified get in (nobody can fill the map with
    // made-up keys), and a string lookup is far cheaper than hashing it first.
    const hit = this.#cache.get(key)
    if (hit) {
      const current = await this.#signingKeys.keySet(this.#db, hit.tenantId)
      if (current === hit.keys) return hit
      this.#cache.delete(key)
    }
    let tenantId: string
    let kid: string
    try {
      const { header, claims } = decodeLicense(key)
      if (typeof claims.iss !== 'string' || typeof header.kid !== 'string') {
        throw new AppError('INVALID_LICENSE_KEY', 'The license key names no issuer or key id')
      }
      tenantId = claims.iss
      kid = header.kid
    } catch (err) {
      throw asInvalid(err)
    }
    const keys = await this.#signingKeys.keySetFor(this.#db, tenantId, kid)
    let entry: Entry
    try {
      const license = verifyLicense(key, keys, { now, ignoreExpiry: true })
      entry = { licenseId: license.id, tenantId, tier: license.claims.tier, keys }
    } catch (err) {
      throw asInvalid(err)
    }
    if (this.#cache.size >= this.#max) {
      // Map iteration order is insertion order: drop the oldest entry.
      const oldest = this.#cache.keys().next()
      if (!oldest.done) this.#cache.delete(oldest.value)
    }
    this.#cache.set(key, entry)
    return entry
  }
}

function asInvalid(err: unknown): unknown {
  if (err instanceof AppError) return err
  if (err instanceof LicenseError) {
    return new AppError('INVALID_LICENSE_KEY', `The license key is not valid (${err.code})`)
  }
  return err
}
