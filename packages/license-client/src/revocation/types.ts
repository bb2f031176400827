/** The signed payload of a revocation list (see docs/token-format.md). */
export interface RevocationListClaims {
  typ: 'revocations'
  iss?: string
  /** License ids revoked for good. */
  revoked: string[]
  /** License ids suspended at issue time. */
  suspended: string[]
  /** Unix seconds. A client keeps the newest list it has seen and ignores older ones. */
  iat: number
  /** Unix seconds: when a fresher list is expected. */
  nextUpdate: number
  /**
   * Version of the issuer's list (grows with every change); a client sends it back as `since`
   * to fetch only what changed. Absent on lists of servers that do not version them.
   */
  ver?: number
}

/** Input of {@link signRevocationList}. */
export interface RevocationListInput {
  issuer?: string
  revoked: readonly string[]
  suspended: readonly string[]
  issuedAt?: Date
  nextUpdate: Date
  version?: number
}

/**
 * The signed payload of a revocation delta: what changed in the issuer's list from version
 * `since` to version `ver`. Each id is listed once, under its status at `ver`.
 */
export interface RevocationDeltaClaims {
  typ: 'revocations-delta'
  iss?: string
  /** The list version this delta applies to. */
  since: number
  /** The list version after applying it. */
  ver: number
  /** Ids revoked at `ver`. */
  revoked: string[]
  /** Ids suspended at `ver`. */
  suspended: string[]
  /** Ids that were on the list at `since` and are neither revoked nor suspended at `ver`. */
  cleared: string[]
  /** Unix seconds. */
  iat: number
  /** Unix seconds. */
  nextUpdate: number
}

/** Input of {@link signRevocationDelta}. */
export interface RevocationDeltaInput {
  issuer?: string
  since: number
  version: number
  revoked: readonly string[]
  suspended: readonly string[]
  cleared: readonly string[]
  issuedAt?: Date
  nextUpdate: Date
}

/**
 * Largest revocation list (or delta) accepted, in characters: 64 MiB, about 1.9 million license
 * ids of 26 characters. A server sends deltas once a client holds a list, so only a first
 * download (or an air-gapped file) costs the whole size.
 */
export const MAX_REVOCATION_LIST_LENGTH = 64 * 1024 * 1024
