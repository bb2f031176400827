import { decodeLicense, LicenseError, verifyLicense } from '@tollgate/license-client'
import type { Db } from '../db/database.js'
import { AppError } from '../errors/app-error.js'
import { isTenantId } from '../lib/ids.js'
import type { SigningKeyStore } from '../signing-keys/signing-key-store.js'

/** Who a license key names, once its signature checked out. */
export interface VerifiedKey {
  licenseId: string
  tenantId: string
  tier: string
}

/**
 * Verifies license keys of the fleet endpoints against the issuing tenant's keys. Successes are
 * remembered in the signing-key store, shared with online validation: a deployment sends the same
 * key with every heartbeat, and re-verifying identical bytes against the same public key cannot
 * give another answer. A remembered key counts only while its kid is still in the tenant's key
 * set, so a removed key bites at once. Expiry is not judged here (the lease carries status).
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

  constructor(db: Db, signingKeys: SigningKeyStore) {
    this.#db = db
    this.#signingKeys = signingKeys
  }

  /** The license a key names; INVALID_LICENSE_KEY when it does not verify. */
  async verify(key: string, now: Date): Promise<VerifiedKey> {
    const seen = this.#signingKeys.recallVerified(key)
    if (seen && (await this.#signingKeys.keySet(this.#db, seen.tenantId)).has(seen.kid)) {
      return seen
    }
    let tenantId: string
    let kid: string
    try {
      const { header, claims } = decodeLicense(key)
      if (!isTenantId(claims.iss) || typeof header.kid !== 'string') {
        throw new AppError('INVALID_LICENSE_KEY', 'The license key names no valid issuer or key id')
      }
      tenantId = claims.iss
      kid = header.kid
    } catch (err) {
      throw asInvalid(err)
    }
    const keys = await this.#signingKeys.keySetFor(this.#db, tenantId, kid)
    try {
      const license = verifyLicense(key, keys, { now, ignoreExpiry: true })
      const verified = {
        tenantId,
        kid,
        licenseId: license.id,
        tier: license.claims.tier,
        nbf: license.claims.nbf,
      }
      this.#signingKeys.rememberVerified(key, verified)
      return verified
    } catch (err) {
      throw asInvalid(err)
    }
  }
}

function asInvalid(err: unknown): unknown {
  if (err instanceof AppError) return err
  if (err instanceof LicenseError) {
    return new AppError('INVALID_LICENSE_KEY', `The license key is not valid (${err.code})`)
  }
  return err
}
