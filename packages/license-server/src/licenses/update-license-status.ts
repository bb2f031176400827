import type { AuditActor } from '../audit/audit-actor.js'
import { recordAudit } from '../audit/record-audit.js'
import type { Db } from '../db/database.js'
import { AppError } from '../errors/app-error.js'
import { findLicense, updateLicense, type LicensePatch } from './license.repository.js'
import type { LicenseRow, LicenseStatus } from './license.table.js'
import { toLicenseView } from './license.view.js'
import type { LicensingDeps } from './licensing-deps.js'

/** A status change. */
export type LicenseStatusAction = 'suspend' | 'reinstate' | 'revoke' | 'expire'

const FROM: Record<LicenseStatusAction, readonly LicenseStatus[]> = {
  suspend: ['active'],
  reinstate: ['suspended'],
  // Revocation is terminal and allowed from every other state.
  revoke: ['active', 'suspended', 'expired'],
  expire: ['active', 'suspended'],
}

function patchFor(action: LicenseStatusAction, reason: string | null, now: Date): LicensePatch {
  switch (action) {
    case 'suspend':
      return { status: 'suspended', status_reason: reason, suspended_at: now }
    case 'reinstate':
      return { status: 'active', status_reason: reason, suspended_at: null }
    case 'revoke':
      return { status: 'revoked', status_reason: reason, revoked_at: now }
    case 'expire':
      return { status: 'expired', status_reason: reason }
  }
}

/**
 * Changes a license's status (suspend / reinstate / revoke / expire) with a reason, locking the
 * row and writing an audit entry `license.<action>` with before/after. An impossible change
 * (e.g. reinstating an active license, anything after revoke) is INVALID_STATE_TRANSITION.
 *
 * @example
 * ```ts
 * await db.transaction().execute((trx) =>
 *   updateLicenseStatus(trx, tenantId, licenseId, 'suspend', { reason: 'payment past due' }, actor, app.tollgate),
 * )
 * ```
 */
export async function updateLicenseStatus(
  trx: Db,
  tenantId: string,
  licenseId: string,
  action: LicenseStatusAction,
  opts: { reason?: string | null | undefined },
  actor: AuditActor,
  deps: Pick<LicensingDeps, 'now' | 'licenseCache'>,
): Promise<LicenseRow> {
  const now = deps.now()
  const before = await findLicense(trx, tenantId, licenseId, { forUpdate: true })
  if (!before) throw new AppError('NOT_FOUND', `No license ${licenseId}`)
  if (!FROM[action].includes(before.status)) {
    throw new AppError(
      'INVALID_STATE_TRANSITION',
      `Cannot ${action} a license that is ${before.status}`,
    )
  }
  const after = await updateLicense(
    trx,
    tenantId,
    licenseId,
    patchFor(action, opts.reason ?? null, now),
    now,
  )
  deps.licenseCache?.invalidate(tenantId, licenseId)
  await recordAudit(trx, {
    tenantId,
    actor,
    action: `license.${action}`,
    targetType: 'license',
    targetId: licenseId,
    before: toLicenseView(before),
    after: toLicenseView(after!),
    at: now,
  })
  return after!
}
