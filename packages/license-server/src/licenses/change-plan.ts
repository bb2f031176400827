import type { AuditActor } from '../audit/audit-actor.js'
import { changeLicensePlan } from '../billing/change-license-plan.js'
import type { Db } from '../db/database.js'
import { AppError } from '../errors/app-error.js'
import { findPlan } from '../plans/plan.repository.js'
import { findLicense } from './license.repository.js'
import type { LicenseRow } from './license.table.js'
import type { LicensingDeps } from './licensing-deps.js'
import { reissueToken } from './reissue-token.js'

/**
 * Staff upgrade or downgrade: the same license (same id, so deployments, usage and revocation
 * stay attached) moves to another plan and gets a new token with the new plan's claims — what
 * a Stripe subscription change does, from the admin API. Expiry is kept; renew separately.
 *
 * @example
 * ```ts
 * const { license, token } = await db.transaction().execute((trx) =>
 *   changePlan(trx, tenantId, 'lic_123', 'pln_pro', actor, deps),
 * )
 * ```
 */
export async function changePlan(
  trx: Db,
  tenantId: string,
  licenseId: string,
  planId: string,
  actor: AuditActor,
  deps: LicensingDeps,
): Promise<{ license: LicenseRow; token: string }> {
  const license = await findLicense(trx, tenantId, licenseId, { forUpdate: true })
  if (!license) throw new AppError('NOT_FOUND', `No license ${licenseId}`)
  if (license.status === 'revoked') {
    throw new AppError('INVALID_STATE_TRANSITION', 'A revoked license cannot change plan')
  }
  const plan = await findPlan(trx, tenantId, planId)
  if (!plan) throw new AppError('NOT_FOUND', `No plan ${planId}`)
  await changeLicensePlan(trx, license, plan, actor, deps.now())
  return reissueToken(trx, tenantId, licenseId, actor, deps)
}
