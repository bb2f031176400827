import type { SigningKeyStore } from '../signing-keys/signing-key-store.js'
import type { LicenseRowCache } from './license-cache.js'

/**
 * What the licensing services need besides the transaction: the signing-key store, the clock
 * and the token prefix. `app.tollgate` satisfies it, so callers pass `app.tollgate`.
 */
export interface LicensingDeps {
  signingKeys: SigningKeyStore
  now: () => Date
  tokenPrefix: string
  /** Validation cache to invalidate on changes (`app.tollgate.licenseCache`). */
  licenseCache?: LicenseRowCache
}
