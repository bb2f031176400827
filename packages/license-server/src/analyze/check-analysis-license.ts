import type { Db } from '../db/database.js'
import { AppError } from '../errors/app-error.js'
import type { ErrorCode } from '../errors/error-codes.js'
import { checkLicenseKey, type ValidationCode } from '../licenses/check-license-key.js'
import type { LicenseRow } from '../licenses/license.table.js'
import type { SigningKeyStore } from '../signing-keys/signing-key-store.js'

// Only a usable license may analyse; every other verdict is an error naming it.
const REFUSAL: Record<Exclude<ValidationCode, 'VALID' | 'GRACE_EXPIRED'>, ErrorCode> = {
  INVALID: 'INVALID_LICENSE_KEY',
  NOT_FOUND: 'NOT_FOUND',
  REVOKED: 'LICENSE_REVOKED',
  SUSPENDED: 'LICENSE_SUSPENDED',
  EXPIRED: 'LICENSE_EXPIRED',
  NOT_YET_VALID: 'LICENSE_NOT_YET_VALID',
  DEPLOYMENT_MISMATCH: 'DEPLOYMENT_MISMATCH',
}

/**
 * Checks a license key with the server's own {@link checkLicenseKey} (signature, stored status,
 * expiry with grace) and the stored entitlement `analysis:<type>`: the stored license is
 * authoritative, so a revoked license cannot analyse even though its token still verifies
 * offline. Answers the license row; throws AppError otherwise.
 *
 * @example
 * ```ts
 * const row = await checkAnalysisLicense(db, signingKeys, body.key, 'vulnerability', now())
 * ```
 */
export async function checkAnalysisLicense(
  db: Db,
  signingKeys: SigningKeyStore,
  key: string,
  analysisType: string,
  now: Date,
): Promise<LicenseRow> {
  const check = await checkLicenseKey(db, signingKeys, key, { now })
  if (check.code !== 'VALID' && check.code !== 'GRACE_EXPIRED') {
    const detail = check.warnings[0] ? `: ${check.warnings[0]}` : ''
    throw new AppError(
      REFUSAL[check.code],
      `The license cannot run analyses (${check.code})${detail}`,
    )
  }
  const row = check.row
  if (!row) throw new AppError('NOT_FOUND', 'Unknown license')
  const feature = `analysis:${analysisType}`
  if (!check.entitlements.includes(feature)) {
    throw new AppError('NOT_ENTITLED', `License ${row.id} does not entitle ${feature}`)
  }
  return row
}
