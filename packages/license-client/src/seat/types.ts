/** How far past `seats` a floating license may go; each step beyond `seats` is a violation. */
export type FloatingOverage = 'deny' | 'allow_1_25x' | 'allow_1_5x' | 'allow_2x'

/** Floating (concurrent) seats of a license: at most `seats` unexpired seat leases at once. */
export interface FloatingPolicy {
  /** Concurrent seats sold. */
  seats: number
  /** Lifetime of a seat lease, seconds; an unrenewed lease frees its seat after this. */
  leaseTtlS: number
  /** What happens past `seats`: refuse, or allow up to 1.25x / 1.5x / 2x with a warning. */
  overage: FloatingOverage
}

/** The overage settings, in order. */
export const FLOATING_OVERAGES: readonly FloatingOverage[] = [
  'deny',
  'allow_1_25x',
  'allow_1_5x',
  'allow_2x',
]

/** The JWS `typ` of a seat lease; a license or deployment lease never passes as one. */
export const SEAT_LEASE_TYP = 'tollgate-seat+jwt'

/** Longest seat lease accepted, in characters. */
export const MAX_SEAT_LEASE_LENGTH = 4096

/** The signed payload of a seat lease (see docs/token-format.md). */
export interface SeatLeaseClaims {
  typ: 'seat'
  /** Issuer: the tenant id (the vendor), or a relay's id. */
  iss: string
  /** The license id. */
  lid: string
  /** The seat lease id (what renew and check-in name). */
  sid: string
  /** The app's scope string (a process, a user session...). */
  scope: string
  /** True when this seat is beyond the sold `seats` (allowed overage). */
  overage: boolean
  /** Server time when signed, unix seconds. */
  iat: number
  /** Unix seconds; the seat is free after this unless renewed. */
  exp: number
  /** Relay leases only: base64url SHA-256 of the pool file the relay holds the seat under. */
  pool?: string
}

/** Input of {@link signSeatLease}. */
export interface SeatLeaseInput {
  issuer: string
  licenseId: string
  leaseId: string
  scope: string
  overage: boolean
  issuedAt: Date
  expiresAt: Date
  /** Relay leases: the hash of the pool file (see `poolFileHash`). */
  poolHash?: string
}
