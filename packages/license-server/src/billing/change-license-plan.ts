import type { AuditActor } from '../audit/audit-actor.js'
import { recordAudit } from '../audit/record-audit.js'
import type { Db } from '../db/database.js'
import { findLicense } from '../licenses/license.repository.js'
import type { LicenseRow } from '../licenses/license.table.js'
import { toLicenseView } from '../licenses/license.view.js'
import { toJson } from '../lib/json.js'
import type { PlanRow } from '../plans/plan.table.js'

/**
 * Moves a license to another plan: product, tier, entitlements, limits and policy now come
 * from the new plan (audited as `license.plan_change`). The caller re-issues the token, since
 * the old one still carries the old claims.
 *
 * @example
 * ```ts
 * await changeLicensePlan(trx, license, newPlan, stripeActor(event.id), now)
 * await reissueToken(trx, tenantId, license.id, actor, deps)
 * ```
 */
export async function changeLicensePlan(
  trx: Db,
  license: LicenseRow,
  plan: PlanRow,
  actor: AuditActor,
  now: Date,
): Promise<LicenseRow> {
  const before = await findLicense(trx, license.tenant_id, license.id, { forUpdate: true })
  const after = await trx
    .updateTable('licenses')
    .set({
      plan_id: plan.id,
      product: plan.product,
      tier: plan.tier,
      entitlements: toJson(plan.entitlements),
      limits: toJson(plan.limits),
      policy: toJson(plan.policy),
      updated_at: now,
    })
    .where('tenant_id', '=', license.tenant_id)
    .where('id', '=', license.id)
    .returningAll()
    .executeTakeFirstOrThrow()
  await recordAudit(trx, {
    tenantId: license.tenant_id,
    actor,
    action: 'license.plan_change',
    targetType: 'license',
    targetId: license.id,
    before: before ? toLicenseView(before) : null,
    after: toLicenseView(after),
    at: now,
  })
  return after
}
