import type { LicensePolicy } from '@tollgate/license-client'
import type { Db } from '../db/database.js'
import { toJson } from '../lib/json.js'
import type { CancelBehavior, PlanRow, PurchaseMode } from './plan.table.js'

/** Writable plan fields. */
export interface PlanFields {
  name: string
  product: string
  tier: string
  entitlements: string[]
  limits: Record<string, number>
  policy: LicensePolicy
  durationDays: number | null
  stripePriceId: string | null
  pastDueGraceDays: number
  cancelBehavior: CancelBehavior
  reminderDays: number[] | null
  public: boolean
  purchaseMode: PurchaseMode
  downgradePlanId: string | null
  trialDays: number | null
}

function columns(f: Partial<PlanFields>) {
  return {
    ...(f.name === undefined ? {} : { name: f.name }),
    ...(f.product === undefined ? {} : { product: f.product }),
    ...(f.tier === undefined ? {} : { tier: f.tier }),
    ...(f.entitlements === undefined ? {} : { entitlements: toJson(f.entitlements) }),
    ...(f.limits === undefined ? {} : { limits: toJson(f.limits) }),
    ...(f.policy === undefined ? {} : { policy: toJson(f.policy) }),
    ...(f.durationDays === undefined ? {} : { duration_days: f.durationDays }),
    ...(f.stripePriceId === undefined ? {} : { stripe_price_id: f.stripePriceId }),
    ...(f.pastDueGraceDays === undefined ? {} : { past_due_grace_days: f.pastDueGraceDays }),
    ...(f.cancelBehavior === undefined ? {} : { cancel_behavior: f.cancelBehavior }),
    ...(f.public === undefined ? {} : { public: f.public }),
    ...(f.downgradePlanId === undefined ? {} : { downgrade_plan_id: f.downgradePlanId }),
    ...(f.purchaseMode === undefined ? {} : { purchase_mode: f.purchaseMode }),
    ...(f.trialDays === undefined ? {} : { trial_days: f.trialDays }),
    ...(f.reminderDays === undefined
      ? {}
      : { reminder_days: f.reminderDays === null ? null : toJson(f.reminderDays) }),
  }
}

/** Inserts a plan row. */
export async function insertPlan(db: Db, row: PlanRow): Promise<void> {
  await db
    .insertInto('plans')
    .values({
      ...row,
      entitlements: toJson(row.entitlements),
      limits: toJson(row.limits),
      policy: toJson(row.policy),
      reminder_days: row.reminder_days === null ? null : toJson(row.reminder_days),
    })
    .execute()
}

/** One plan of the tenant. */
export function findPlan(db: Db, tenantId: string, id: string): Promise<PlanRow | undefined> {
  return db
    .selectFrom('plans')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst()
}

/** A plan by its Stripe price id (billing). */
export function findPlanByStripePrice(
  db: Db,
  tenantId: string,
  stripePriceId: string,
): Promise<PlanRow | undefined> {
  return db
    .selectFrom('plans')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('stripe_price_id', '=', stripePriceId)
    .executeTakeFirst()
}

/** Plans of the tenant, newest first. */
export function listPlans(
  db: Db,
  tenantId: string,
  page: { limit: number; after?: string | undefined; product?: string | undefined },
): Promise<PlanRow[]> {
  let q = db.selectFrom('plans').selectAll().where('tenant_id', '=', tenantId)
  if (page.product) q = q.where('product', '=', page.product)
  if (page.after) q = q.where('id', '<', page.after)
  return q
    .orderBy('id', 'desc')
    .limit(page.limit + 1)
    .execute()
}

/** Updates the given fields; returns the new row. */
export function updatePlan(
  db: Db,
  tenantId: string,
  id: string,
  patch: Partial<PlanFields>,
  now: Date,
): Promise<PlanRow | undefined> {
  return db
    .updateTable('plans')
    .set({ ...columns(patch), updated_at: now })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst()
}

/** Deletes a plan. */
export async function deletePlan(db: Db, tenantId: string, id: string): Promise<void> {
  await db.deleteFrom('plans').where('tenant_id', '=', tenantId).where('id', '=', id).execute()
}

/**
 * The tenant's plans marked public (the pricing-page list), by product and name.
 *
 * @example
 * ```ts
 * const plans = await listPublicPlans(db, tenantId)
 * ```
 */
export function listPublicPlans(db: Db, tenantId: string): Promise<PlanRow[]> {
  return db
    .selectFrom('plans')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('public', '=', true)
    .orderBy('product')
    .orderBy('name')
    .orderBy('id')
    .limit(200)
    .execute()
}
