/** License status as the server last saw it. */
export type LeaseStatus = 'active' | 'suspended' | 'revoked' | 'expired'

/** The signed payload of a lease (see docs/token-format.md). */
export interface LeaseClaims {
  typ: 'lease'
  lid: string
  deployment: string
  status: LeaseStatus
  /** Server time when signed, unix seconds: feeds the client's trusted-time high-water mark. */
  serverTime: number
  /** Unix seconds; after this the client counts as offline (offline grace). */
  validUntil: number
  iat: number
}

/** Input of {@link signLease}. */
export interface LeaseInput {
  licenseId: string
  deploymentId: string
  status: LeaseStatus
  serverTime?: Date
  validUntil: Date
}

export const LEASE_STATUSES: readonly LeaseStatus[] = ['active', 'suspended', 'revoked', 'expired']

/** Longest lease accepted, in characters. */
export const MAX_LEASE_LENGTH = 4096
