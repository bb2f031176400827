import type { AuditActor } from '../audit/audit-actor.js'
import { recordAudit } from '../audit/record-audit.js'
import { findCustomer } from '../customers/customer.repository.js'
import type { Db } from '../db/database.js'
import { AppError } from '../errors/app-error.js'
import { findLicense, updateLicense } from './license.repository.js'
import type { LicenseRow } from './license.table.js'
import { toLicenseView } from './license.view.js'
import type { LicensingDeps } from './licensing-deps.js'
import { signLicenseRow } from './sign-license-row.js'

/**
 * Signs a fresh token for a license with the current signing key (same license id, so
 * revocation still applies), optionally with a new expiry (renewal). Revoked licenses cannot
 * be re-issued. An expired license that gets a new future expiry becomes active again.
 *
 * @example
 * ```ts
 * const { token } = await db.transaction().execute((trx) => reissueToken(trx, tenantId, id, actor, app.tollgate))
 * ```
 */
export async function reissueToken(
  trx: Db,
  tenantId: string,
  licenseId: string,
  actor: AuditActor,
  deps: LicensingDeps,
  opts: { expiresAt?: Date | null; action?: string } = {},
): Promise<{ license: LicenseRow; token: string }> {
  const now = deps.now()
  const before = await findLicense(trx, tenantId, licenseId, { forUpdate: true })
  if (!before) throw new AppError('NOT_FOUND', `No license ${licenseId}`)
  if (before.status === 'revoked') {
    throw new AppError('INVALID_STATE_TRANSITION', 'A revoked license cannot get a new token')
  }
  const key = await deps.signingKeys.getActive(trx, tenantId)
  const renewing = opts.expiresAt !== undefined
  const expiresAt = renewing ? opts.expiresAt! : before.expires_at
  const reactivate =
    renewing && before.status === 'expired' && (expiresAt === null || expiresAt > now)
  const after = (await updateLicense(
    trx,
    tenantId,
    licenseId,
    {
      kid: key.kid,
      issued_at: now,
      expires_at: expiresAt,
      ...(reactivate ? { status: 'active' as const, status_reason: null } : {}),
    },
    now,
  ))!
  deps.licenseCache?.invalidate(tenantId, licenseId)
  const customer = await findCustomer(trx, tenantId, after.customer_id)
  const token = signLicenseRow(after, key, {
    prefix: deps.tokenPrefix,
    ...(customer ? { customerName: customer.name } : {}),
  })
  await recordAudit(trx, {
    tenantId,
    actor,
    action: opts.action ?? (renewing ? 'license.renew' : 'license.reissue'),
    targetType: 'license',
    targetId: licenseId,
    before: toLicenseView(before),
    after: toLicenseView(after),
    at: now,
  })
  return { license: after, token }
}
