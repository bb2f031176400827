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
}

/** Input of {@link signRevocationList}. */
export interface RevocationListInput {
  issuer?: string
  revoked: readonly string[]
  suspended: readonly string[]
  issuedAt?: Date
  nextUpdate: Date
}

/** Largest revocation list accepted, in characters (about 100k license ids). */
export const MAX_REVOCATION_LIST_LENGTH = 4 * 1024 * 1024
