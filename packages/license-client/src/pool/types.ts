import type { FloatingOverage } from '../seat/types.js'
import type { PublicJwk } from '../keys/types.js'

/** The JWS `typ` of a pool file; no other Tollgate object passes as one. */
export const POOL_TYP = 'tollgate-pool+jwt'

/** The `type` member of a relay request file. */
export const RELAY_REQUEST_TYPE = 'tollgate-relay-request'

/** Longest pool file accepted, in characters. */
export const MAX_POOL_FILE_LENGTH = 8192

/** Longest relay request file accepted, in characters. */
export const MAX_RELAY_REQUEST_LENGTH = 8192

/**
 * What a relay writes once (`tollgate relay init`) and the vendor turns into a pool file: the
 * relay's own public key and the machine it runs on. Nothing secret.
 */
export interface RelayRequest {
  type: typeof RELAY_REQUEST_TYPE
  v: 1
  /** The relay's Ed25519 public key (`kid`: its RFC 7638 thumbprint). */
  relayKey: PublicJwk
  /** Hashed machine fingerprint of the relay's machine (see `machineFingerprint`). */
  machineId: string
  hostname: string
  /** ISO time the request was written. */
  createdAt: string
}

/** The policy a relay applies to its pool's seats. */
export interface PoolPolicy {
  /** Lifetime of a relay seat lease, seconds. */
  leaseTtlS: number
  /** Overage past `seats` the relay may grant (with a warning). */
  overage: FloatingOverage
}

/** The signed payload of a pool file (see docs/relay.md). */
export interface PoolClaims {
  typ: 'pool'
  v: 1
  /** The pool id (`pool_...`). */
  jti: string
  /** Issuer: the vendor's tenant id. */
  iss: string
  /** The license whose floating seats the pool holds. */
  lid: string
  /** Concurrent seats the relay may hand out (before overage). */
  seats: number
  policy: PoolPolicy
  /** The relay's public key: only leases signed by its private half count. */
  rk: PublicJwk
  /** The relay machine's hashed fingerprint (from the relay request). */
  fpr: string
  iat: number
  nbf: number
  exp: number
}

/** Input of {@link signPoolFile}. */
export interface PoolFileInput {
  poolId: string
  issuer: string
  licenseId: string
  seats: number
  policy: PoolPolicy
  request: RelayRequest
  issuedAt: Date
  notBefore?: Date
  expiresAt: Date
}
