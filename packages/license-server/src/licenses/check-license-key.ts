import { decodeLicense, LicenseError, verifyLicense } from '@tollgate/license-client'
import type { Db } from '../db/database.js'
import type { SigningKeyStore } from '../signing-keys/signing-key-store.js'
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
  opts: { now: Date; deploymentId?: string | undefined },
): Promise<ValidationResult> {
  let tenantId: string
  let kid: string
  try {
    const { header, claims } = decodeLicense(key)
    if (typeof claims.iss !== 'string' || typeof header.kid !== 'string') {
      return deny('INVALID', ['MALFORMED: the key names no issuer or key id'])
    }
    tenantId = claims.iss
    kid = header.kid
  } catch (err) {
    if (err instanceof LicenseError) return deny('INVALID', [`${err.code}: ${err.message}`])
    throw err
  }
  let licenseId: string
  try {
    const keys = await signingKeys.keySetFor(db, tenantId, kid)
    licenseId = verifyLicense(key, keys, { now: opts.now, ignoreExpiry: true }).id
  } catch (err) {
    if (!(err instanceof LicenseError)) throw err
    if (err.code === 'NOT_YET_VALID') return deny('NOT_YET_VALID', [err.message])
    return deny('INVALID', [`${err.code}: ${err.message}`])
  }
  const row = await findLicense(db, tenantId, licenseId)
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
    license: toLicenseView(row),
    entitlements: row.entitlements,
    limits: row.limits,
    warnings,
    row,
  }
}
