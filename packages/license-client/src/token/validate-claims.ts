import { MalformedError } from '../errors.js'
import type { LicenseClaims, LicensePolicy } from './types.js'

const POLICY_KEYS = [
  'expiryGraceDays',
  'offlineGraceDays',
  'heartbeatIntervalS',
  'maxDeployments',
] as const

function isNonNegative(n: unknown): n is number {
  return typeof n === 'number' && Number.isFinite(n) && n >= 0
}

function str(v: unknown, name: string, optional = false): void {
  if (v === undefined && optional) return
  if (typeof v !== 'string' || v.length === 0 || v.length > 512) {
    throw new MalformedError(`Claim "${name}" must be a non-empty string`)
  }
}

/**
 * Checks a verified payload has the license shape. Signed by us means trusted, but a payload
 * signed by an older or buggy issuer must still fail cleanly rather than crash a gate later.
 */
export function validateLicenseClaims(p: Record<string, unknown>): LicenseClaims {
  if (p.v !== 1) throw new MalformedError(`Unsupported license format version ${String(p.v)}`)
  str(p.lid, 'lid')
  str(p.jti, 'jti')
  str(p.sub, 'sub')
  str(p.product, 'product')
  str(p.tier, 'tier')
  str(p.iss, 'iss', true)
  str(p.customer, 'customer', true)
  str(p.deployment, 'deployment', true)
  if (!Array.isArray(p.entitlements) || !p.entitlements.every((e) => typeof e === 'string')) {
    throw new MalformedError('Claim "entitlements" must be a list of strings')
  }
  const limits = p.limits
  if (typeof limits !== 'object' || limits === null || Array.isArray(limits)) {
    throw new MalformedError('Claim "limits" must be an object')
  }
  for (const [k, v] of Object.entries(limits)) {
    if (!isNonNegative(v)) throw new MalformedError(`Limit "${k}" must be a non-negative number`)
  }
  const policy = p.policy as Partial<LicensePolicy> | null
  if (typeof policy !== 'object' || policy === null)
    throw new MalformedError('Claim "policy" missing')
  for (const k of POLICY_KEYS) {
    if (!isNonNegative(policy[k]))
      throw new MalformedError(`Policy "${k}" must be a non-negative number`)
  }
  // Trials (issue 18): optional free features kept after expiry.
  const free = policy.freeFeatures
  if (
    free !== undefined &&
    (!Array.isArray(free) || free.length > 200 || !free.every((f) => typeof f === 'string'))
  ) {
    throw new MalformedError('Policy "freeFeatures" must be a list of feature names')
  }
  for (const k of ['iat', 'nbf'] as const) {
    if (!isNonNegative(p[k])) throw new MalformedError(`Claim "${k}" must be a NumericDate`)
  }
  if (p.exp !== undefined && !isNonNegative(p.exp)) {
    throw new MalformedError('Claim "exp" must be a NumericDate')
  }
  return p as unknown as LicenseClaims
}
