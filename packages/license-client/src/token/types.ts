import type { FloatingPolicy } from '../seat/types.js'

/** Grace and deployment policy carried inside every license. */
export interface LicensePolicy {
  /** Days after `exp` during which the license still works, flagged `grace_expired`. */
  expiryGraceDays: number
  /** Days without server contact (since the last signed lease) before restrictions apply. */
  offlineGraceDays: number
  /** How often the client checks in, in seconds. */
  heartbeatIntervalS: number
  /** How many deployments (installs) may be active at once. */
  maxDeployments: number
  /**
   * What a storage dir copied to another machine (its deployment id seen with a new machine
   * fingerprint) leads to; absent means `report`. See {@link FingerprintChangePolicy}.
   */
  onFingerprintChange?: FingerprintChangePolicy
  /** Floating (concurrent) seats, when the plan sells them (issue 18). */
  floating?: FloatingPolicy
  /**
   * Trials (issue 18): features that keep working once the license is `expired` (the plan's
   * free tier). Optional; absent means none beyond the app's own `freeFeatures`.
   */
  freeFeatures?: string[]
}

/**
 * `report`: the deployment keeps its id and seat, and a medium `fingerprint_changed` violation
 * is recorded (client and server). `rebind`: the copy starts as a new deployment of this machine
 * (its own seat; nothing flagged). `block`: the copy is `deployment_mismatch` until its
 * `deployment.json` is removed, and the server refuses it with a high violation.
 */
export type FingerprintChangePolicy = 'report' | 'rebind' | 'block'

/** What the issuer supplies to {@link signLicense}. */
export interface LicenseClaimsInput {
  licenseId: string
  customerId: string
  customerName?: string
  product: string
  tier: string
  entitlements: readonly string[]
  limits: Readonly<Record<string, number>>
  policy: LicensePolicy
  /** Tenant / vendor id, becomes `iss`. */
  issuer?: string
  issuedAt?: Date
  notBefore?: Date
  /** `null` or absent: perpetual. */
  expiresAt?: Date | null
  /** Node lock: the only deployment id this license may run on. */
  deploymentId?: string
}

/** The signed payload of a license token (see docs/token-format.md). */
export interface LicenseClaims {
  v: 1
  jti: string
  lid: string
  iss?: string
  sub: string
  customer?: string
  product: string
  tier: string
  entitlements: string[]
  limits: Record<string, number>
  policy: LicensePolicy
  iat: number
  nbf: number
  exp?: number
  deployment?: string
}

/** The `typ` header values; a signature over one type never passes as another. */
export const TOKEN_TYP = {
  license: 'tollgate-license+jwt',
  lease: 'tollgate-lease+jwt',
  revocations: 'tollgate-revocations+jwt',
  revocationsDelta: 'tollgate-revocations-delta+jwt',
  keySet: 'tollgate-keyset+jwt',
} as const

/** The default prefix of a license key. */
export const DEFAULT_PREFIX = 'TG1'

/** Longest license key accepted, in characters; longer input is refused before parsing. */
export const MAX_TOKEN_LENGTH = 16_384
