import type { Static } from 'typebox'
import type { AuditActor } from '../audit/audit-actor.js'
import { recordAudit } from '../audit/record-audit.js'
import type { Db } from '../db/database.js'
import { AppError } from '../errors/app-error.js'
import { newId } from '../lib/ids.js'
import { findPlan, insertPlan, updatePlan } from './plan.repository.js'
import type { CreatePlanBody, UpdatePlanBody } from './plan.schemas.js'
import type { PlanRow } from './plan.table.js'
import { toPlanView } from './plan.view.js'

/** A new plan, as the API's create body (checked against `CreatePlanBody` by the caller). */
export type NewPlan = Static<typeof CreatePlanBody>
/** Changed plan fields, as the API's update body. */
export type PlanPatch = Static<typeof UpdatePlanBody>

/**
 * Creates a plan (defaults as documented in the API) with its `plan.create` audit entry. The
 * API and the console both call this. Run it in a transaction.
 *
 * @example
 * ```ts
 * const row = await db.transaction().execute((trx) => createPlan(trx, tenantId, body, actor, now()))
 * ```
 */
export async function createPlan(
  trx: Db,
  tenantId: string,
  b: NewPlan,
  actor: AuditActor,
  at: Date,
): Promise<PlanRow> {
  const row: PlanRow = {
    id: newId('pln'),
    tenant_id: tenantId,
    name: b.name,
    product: b.product,
    tier: b.tier,
    entitlements: b.entitlements,
    limits: b.limits ?? {},
    policy: b.policy,
    duration_days: b.durationDays ?? null,
    stripe_price_id: b.stripePriceId ?? null,
    past_due_grace_days: b.pastDueGraceDays ?? 7,
    cancel_behavior: b.cancelBehavior ?? 'revoke',
    reminder_days: b.reminderDays ?? null,
    public: b.public ?? false,
    downgrade_plan_id: b.downgradePlanId ?? null,
    purchase_mode: b.purchaseMode ?? 'subscription',
    trial_days: b.trialDays ?? null,
    created_at: at,
    updated_at: at,
  }
  await insertPlan(trx, row)
  await recordAudit(trx, {
    tenantId,
    actor,
    action: 'plan.create',
    targetType: 'plan',
    targetId: row.id,
    after: toPlanView(row),
    at,
  })
  return row
}

/**
 * Changes a plan (licenses already issued keep their terms) with its `plan.update` audit entry.
 * NOT_FOUND for another tenant's plan. Run it in a transaction.
 *
 * @example
 * ```ts
 * const row = await db.transaction().execute((trx) => editPlan(trx, tenantId, id, { name: 'Pro' }, actor, now()))
 * ```
 */
export async function editPlan(
  trx: Db,
  tenantId: string,
  id: string,
  patch: PlanPatch,
  actor: AuditActor,
  at: Date,
): Promise<PlanRow> {
  const before = await findPlan(trx, tenantId, id)
  if (!before) throw new AppError('NOT_FOUND', `No plan ${id}`)
  const after = (await updatePlan(trx, tenantId, id, patch, at))!
  await recordAudit(trx, {
    tenantId,
    actor,
    action: 'plan.update',
    targetType: 'plan',
    targetId: after.id,
    before: toPlanView(before),
    after: toPlanView(after),
    at,
  })
  return after
}
