import { decodeLicense, LicenseError, verifyLicense } from '@tollgate/license-client'
import type { Db } from '../db/database.js'
import { isTenantId } from '../lib/ids.js'
import type { SigningKeyStore } from '../signing-keys/signing-key-store.js'
import type { LicenseRowCache } from './license-cache.js'
import { findLicense } from './license.repository.js'
import type { LicenseRow } from './license.table.js'
import { toLicenseView, type LicenseView } from './license.view.js'

/** Outcome codes of an online license check. */
export type ValidationCode =
  | 'VALID'
  | 'GRACE_EXPIRED'
  | 'EXPIRED'
  | 'SUSPENDED'
  | 'REVOKED'
  | 'NOT_FOUND'
  | 'INVALID'
  | 'NOT_YET_VALID'
  | 'DEPLOYMENT_MISMATCH'

/** Every validation code, for metrics and docs. */
export const VALIDATION_CODES: readonly ValidationCode[] = [
  'VALID',
  'GRACE_EXPIRED',
  'EXPIRED',
  'SUSPENDED',
  'REVOKED',
  'NOT_FOUND',
  'INVALID',
  'NOT_YET_VALID',
  'DEPLOYMENT_MISMATCH',
]

/** The answer of `POST /v1/licenses/validate` (plus the row, for server-side callers). */
export interface ValidationResult {
  valid: boolean
  code: ValidationCode
  license: LicenseView | null
  entitlements: string[]
  limits: Record<string, number>
  warnings: string[]
  /** The license row when the key named a known license (not serialised to clients). */
  row?: LicenseRow
}

const DAY_MS = 86_400_000
const SOON_MS = 14 * DAY_MS

function deny(code: ValidationCode, warnings: string[], row?: LicenseRow): ValidationResult {
  return {
    valid: false,
    code,
    license: row ? toLicenseView(row) : null,
    entitlements: [],
    limits: {},
    warnings,
    ...(row ? { row } : {}),
  }
}

type Verified = { tenantId: string; licenseId: string } | { deny: ValidationResult }

/**
 * Signature, checksum and `nbf` of a key against its tenant's key set. A token string that
 * verified before is only re-checked for its kid still being in the set (removal still bites)
 * and for `nbf`: the Ed25519 check is the costliest step and a fleet presents the same key often.
 */
async function verifySignature(
  db: Db,
  signingKeys: SigningKeyStore,
  key: string,
  now: Date,
): Promise<Verified> {
  const seen = signingKeys.recallVerified(key)
  if (seen) {
    const keys = await signingKeys.keySet(db, seen.tenantId)
    if (keys.has(seen.kid)) {
      if (seen.nbf > now.getTime() / 1000 + 60) {
        return { deny: deny('NOT_YET_VALID', ['The license is not valid yet']) }
      }
      return { tenantId: seen.tenantId, licenseId: seen.licenseId }
    }
  }
  let tenantId: string
  let kid: string
  try {
    const { header, claims } = decodeLicense(key)
    if (!isTenantId(claims.iss) || typeof header.kid !== 'string') {
      return { deny: deny('INVALID', ['MALFORMED: the key names no valid issuer or key id']) }
    }
    tenantId = claims.iss
    kid = header.kid
  } catch (err) {
    if (err instanceof LicenseError)
      return { deny: deny('INVALID', [`${err.code}: ${err.message}`]) }
    throw err
  }
  try {
    const keys = await signingKeys.keySetFor(db, tenantId, kid)
    const license = verifyLicense(key, keys, { now, ignoreExpiry: true })
    signingKeys.rememberVerified(key, {
      tenantId,
      kid,
      licenseId: license.id,
      tier: license.claims.tier,
      nbf: license.claims.nbf,
    })
    return { tenantId, licenseId: license.id }
  } catch (err) {
    if (!(err instanceof LicenseError)) throw err
    if (err.code === 'NOT_YET_VALID') return { deny: deny('NOT_YET_VALID', [err.message]) }
    return { deny: deny('INVALID', [`${err.code}: ${err.message}`]) }
  }
}

/**
 * Checks a license key online: signature against the issuing tenant's keys (active and
 * retired), then the stored status, node lock and expiry (with the policy's expiry grace).
 * Never throws for a bad key; only database errors propagate. Fleet and billing reuse it.
 *
 * @example
 * ```ts
 * const result = await checkLicenseKey(db, app.tollgate.signingKeys, key, { now: new Date() })
 * if (!result.valid) return result.code
 * ```
 */
export async function checkLicenseKey(
  db: Db,
  signingKeys: SigningKeyStore,
  key: string,
  opts: { now: Date; deploymentId?: string | undefined; cache?: LicenseRowCache | undefined },
): Promise<ValidationResult> {
  const verified = await verifySignature(db, signingKeys, key, opts.now)
  if ('deny' in verified) return verified.deny
  const { tenantId, licenseId } = verified
  const load = () => findLicense(db, tenantId, licenseId)
  const cached = opts.cache ? await opts.cache.load(tenantId, licenseId, load) : undefined
  const row = opts.cache ? cached?.row : await load()
  if (!row) return deny('NOT_FOUND', ['The license no longer exists'])
  if (row.status === 'revoked') return deny('REVOKED', [], row)
  if (row.status === 'suspended') return deny('SUSPENDED', [], row)
  if (row.status === 'expired') return deny('EXPIRED', [], row)
  if (row.deployment_id !== null && opts.deploymentId !== undefined) {
    if (opts.deploymentId !== row.deployment_id) return deny('DEPLOYMENT_MISMATCH', [], row)
  }
  const warnings: string[] = []
  let code: ValidationCode = 'VALID'
  const now = opts.now.getTime()
  if (row.expires_at !== null) {
    const exp = row.expires_at.getTime()
    const graceEnd = exp + row.policy.expiryGraceDays * DAY_MS
    if (now >= graceEnd) return deny('EXPIRED', [], row)
    if (now >= exp) {
      code = 'GRACE_EXPIRED'
      warnings.push(
        `GRACE_EXPIRED: expired at ${row.expires_at.toISOString()}; grace ends at ${new Date(graceEnd).toISOString()}`,
      )
    } else if (exp - now < SOON_MS) {
      warnings.push(`EXPIRES_SOON: expires at ${row.expires_at.toISOString()}`)
    }
  }
  return {
    valid: true,
    code,
    license: cached?.view ?? toLicenseView(row),
    entitlements: row.entitlements,
    limits: row.limits,
    warnings,
    row,
  }
}
