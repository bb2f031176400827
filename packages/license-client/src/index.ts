/**
 * Tollgate license client: offline verification of Ed25519-signed, checksummed license keys,
 * signed leases and revocation lists.
 *
 * @example
 * ```ts
 * import { KeySet, verifyLicense } from '@tollgate/license-client'
 * const license = verifyLicense(process.env.TOLLGATE_LICENSE!, KeySet.from(jwks))
 * license.hasFeature('sso')
 * ```
 * @packageDocumentation
 */
export { generateKeyPair } from './keys/generate-key-pair.js'
export { exportPublicJwk, exportPrivateJwk, exportPem, jwkThumbprint } from './keys/export-key.js'
export { importPem, importJwk } from './keys/import-key.js'
export { KeySet } from './keys/key-set.js'
export type { PublicJwk, PrivateJwk, Jwks, SigningKey, Ed25519KeyPair } from './keys/types.js'

export { signLicense } from './token/sign-license.js'
export { verifyLicense, type VerifyOptions } from './token/verify-license.js'
export { decodeLicense } from './token/decode-license.js'
export { VerifiedLicense } from './token/verified-license.js'
export {
  DEFAULT_PREFIX,
  MAX_TOKEN_LENGTH,
  TOKEN_TYP,
  type LicenseClaims,
  type LicenseClaimsInput,
  type LicensePolicy,
} from './token/types.js'

export { signLease } from './lease/sign-lease.js'
export { verifyLease } from './lease/verify-lease.js'
export type { LeaseClaims, LeaseInput, LeaseStatus } from './lease/types.js'

export { signRevocationList } from './revocation/sign-revocation-list.js'
export { verifyRevocationList } from './revocation/verify-revocation-list.js'
export type { RevocationListClaims, RevocationListInput } from './revocation/types.js'

export { hasNativeEd25519, type Ed25519Engine } from './lib/ed25519.js'

export {
  LicenseError,
  MalformedError,
  BadChecksumError,
  UnknownKeyError,
  BadSignatureError,
  UnsupportedAlgError,
  WrongTypeError,
  NotYetValidError,
  ExpiredError,
  TooLargeError,
  InvalidKeyError,
  EngineUnavailableError,
  type LicenseErrorCode,
} from './errors.js'
