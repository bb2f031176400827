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
  type FingerprintChangePolicy,
  type LicensePolicy,
} from './token/types.js'

export { signLease } from './lease/sign-lease.js'
export { verifyLease } from './lease/verify-lease.js'
export type { LeaseClaims, LeaseInput, LeaseStatus } from './lease/types.js'

export { signRevocationList } from './revocation/sign-revocation-list.js'
export { verifyRevocationList } from './revocation/verify-revocation-list.js'
export { signRevocationDelta } from './revocation/sign-revocation-delta.js'
export { verifyRevocationDelta } from './revocation/verify-revocation-delta.js'
export { applyRevocationDelta } from './revocation/apply-revocation-delta.js'
export { isListedSuspended, isRevoked } from './revocation/revocation-index.js'
export { MAX_REVOCATION_LIST_LENGTH } from './revocation/types.js'
export type {
  RevocationDeltaClaims,
  RevocationDeltaInput,
  RevocationListClaims,
  RevocationListInput,
} from './revocation/types.js'

export { signKeySet, type KeySetClaims } from './keyset/sign-key-set.js'
export {
  verifyKeySet,
  verifyKeySetStatement,
  type SignedJwks,
  type VerifiedKeySet,
} from './keyset/verify-key-set.js'
export { followKeySetChain, MAX_CHAIN_LINKS } from './keyset/follow-key-set-chain.js'

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

// Floating seats (issue 18)
export { signSeatLease } from './seat/sign-seat-lease.js'
export { verifySeatLease } from './seat/verify-seat-lease.js'
export { SeatHandle, type CheckoutSeatOptions, type SeatState } from './client/seats/seat-handle.js'
export { SeatsExhaustedError, SeatRefusedError } from './client/seats/seat-errors.js'
export {
  FLOATING_OVERAGES,
  MAX_SEAT_LEASE_LENGTH,
  SEAT_LEASE_TYP,
  type FloatingOverage,
  type FloatingPolicy,
  type SeatLeaseClaims,
  type SeatLeaseInput,
} from './seat/types.js'

// Client runtime (issue 5)
export { createLicenseClient } from './client/create-license-client.js'
export { LicenseClient, type LimitCheck } from './client/license-client.js'
export { decideState, type StateInput } from './client/decide-state.js'
export { nextDelayMs } from './client/scheduler.js'
export { DEFAULT_TOKEN_ENV } from './client/load-config.js'
export {
  UNRESTRICTED_STATES,
  type LicenseState,
  type LicenseStateCode,
  type LicenseClientOptions,
  type Logger,
  type PublicKeysInput,
} from './client/types.js'
export { licensed, type FeatureGate, type LicensedOptions } from './adapters/licensed.js'
export { featureDenial, type DenialBody } from './adapters/denial-body.js'
export { expressLicense, type ExpressLicense, type ConnectMiddleware } from './adapters/express.js'
export {
  fastifyLicense,
  requireFeatureHook,
  type FastifyLicenseOptions,
  type FastifyLike,
  type FeaturePreHandler,
  type ReplyLike,
} from './adapters/fastify.js'
export {
  FeatureNotEntitledError,
  LicenseNotValidError,
  LimitExceededError,
  StorageError,
  NetworkError,
  ConfigInvalidError,
  UsageInvalidError,
} from './errors.js'

// Vendor webhooks (issue 19): a receiver-side check of Tollgate's signatures.
export {
  verifyWebhook,
  type VerifyWebhookOptions,
  type WebhookEvent,
  type WebhookVerification,
} from './webhooks/verify-webhook.js'

// Offline activation of air-gapped machines (issue 18): request -> signed machine file -> proof.
export {
  createActivationRequest,
  parseActivationRequest,
  checkActivationRequest,
  type ActivationRequestInput,
} from './offline/activation-request.js'
export {
  signMachineFile,
  verifyMachineFile,
  type MachineFileInput,
} from './offline/machine-file.js'
export {
  signDeactivationProof,
  verifyDeactivationProof,
  peekDeactivationProof,
} from './offline/deactivation-proof.js'
export {
  writeActivationRequest,
  type WriteActivationRequestOptions,
} from './offline/write-activation-request.js'
export {
  ActivationRequestInvalidError,
  MachineFileRefusedError,
  DeactivationProofInvalidError,
  type MachineFileRefusal,
} from './offline/offline-errors.js'
export {
  OFFLINE_TYP,
  ACTIVATION_REQUEST_FORMAT,
  MAX_ACTIVATION_REQUEST_BYTES,
  MAX_MACHINE_FILE_LENGTH,
  MAX_EMBEDDED_REVOCATIONS_LENGTH,
  type ActivationRequest,
  type MachineFileClaims,
  type DeactivationProofClaims,
  type DeploymentPublicKey,
} from './offline/offline-formats.js'
export { machineFingerprint, type MachineFingerprint } from './client/machine-fingerprint.js'
// Named users (issue 18): salted user-id hashes and the limit error.
export { hashUserId, UserLimitReachedError, type NamedUserResult } from './client/named-users.js'
// Air-gapped floating relay (issue 18): pool files, relay requests, the relay lease chain
export { signPoolFile } from './pool/sign-pool-file.js'
export { verifyPoolFile } from './pool/verify-pool-file.js'
export { verifyRelayLease, relayIssuer, type RelayLeaseInput } from './pool/verify-relay-lease.js'
export { poolValidity, assertPoolValid, type PoolValidity } from './pool/pool-validity.js'
export { poolFileHash } from './pool/pool-file-hash.js'
export { checkRelayRequest, parseRelayRequest } from './pool/relay-request.js'
export {
  loadRelayIdentity,
  relayRequestOf,
  RELAY_KEY_FILE,
  type RelayIdentity,
} from './pool/relay-identity.js'
export {
  PoolFileInvalidError,
  PoolExpiredError,
  RelayRequestInvalidError,
} from './pool/pool-errors.js'
export {
  POOL_TYP,
  RELAY_REQUEST_TYPE,
  MAX_POOL_FILE_LENGTH,
  type PoolClaims,
  type PoolFileInput,
  type PoolPolicy,
  type RelayRequest,
} from './pool/types.js'
