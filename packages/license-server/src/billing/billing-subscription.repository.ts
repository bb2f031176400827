import type { Db } from '../db/database.js'
import { toJson } from '../lib/json.js'
import type { BillingSubscriptionRow } from './billing.table.js'

/** Columns a change may set (row-shaped values; the repository encodes jsonb). */
export type SubscriptionPatch = Partial<
  Omit<
    BillingSubscriptionRow,
    'stripe_subscription_id' | 'tenant_id' | 'created_at' | 'updated_at' | 'version'
  >
>

/**
 * The subscription's row, locked for the rest of the transaction (created first if this is
 * the first event about it). Every event about one subscription goes through this lock, so
 * concurrent deliveries of *different* events serialise instead of overwriting each other.
 *
 * @example
 * ```ts
 * const sub = await lockSubscription(trx, tenantId, 'sub_123', { now, stripeCustomerId: 'cus_123' })
 * ```
 */
export async function lockSubscription(
  db: Db,
  tenantId: string,
  stripeSubscriptionId: string,
  init: { now: Date; stripeCustomerId: string | null },
): Promise<BillingSubscriptionRow> {
  await db
    .insertInto('billing_subscriptions')
    .values({
      stripe_subscription_id: stripeSubscriptionId,
      tenant_id: tenantId,
      stripe_customer_id: init.stripeCustomerId,
      customer_id: null,
      license_id: null,
      stripe_price_id: null,
      // Unknown until a snapshot or invoice says otherwise; the epoch lets any real
      // snapshot win the `state_at` comparison.
      status: 'unknown',
      state_at: new Date(0),
      snapshot_at: new Date(0),
      current_period_end: null,
      paid_through: null,
      expiry_provisional: false,
      good_at: new Date(0),
      arrears_at: '[]',
      past_due_since: null,
      cancel_at_period_end: false,
      canceled_at: null,
      created_at: init.now,
      updated_at: init.now,
    })
    .onConflict((oc) => oc.column('stripe_subscription_id').doNothing())
    .execute()
  return db
    .selectFrom('billing_subscriptions')
    .selectAll()
    .where('stripe_subscription_id', '=', stripeSubscriptionId)
    .where('tenant_id', '=', tenantId)
    .forUpdate()
    .executeTakeFirstOrThrow()
}

/**
 * Writes a change and bumps `version`; returns the new row.
 *
 * @example
 * ```ts
 * const sub = await updateSubscription(trx, 'sub_123', { status: 'past_due' }, now)
 * ```
 */
export function updateSubscription(
  db: Db,
  stripeSubscriptionId: string,
  patch: SubscriptionPatch,
  now: Date,
): Promise<BillingSubscriptionRow> {
  return db
    .updateTable('billing_subscriptions')
    .set((eb) => {
      const { arrears_at, ...rest } = patch
      return {
        ...rest,
        ...(arrears_at === undefined ? {} : { arrears_at: toJson(arrears_at) }),
        version: eb('version', '+', 1),
        updated_at: now,
      }
    })
    .where('stripe_subscription_id', '=', stripeSubscriptionId)
    .returningAll()
    .executeTakeFirstOrThrow()
}

/**
 * Subscriptions in arrears that drive a license (candidates of the past-due sweep).
 *
 * @example
 * ```ts
 * for (const sub of await listPastDue(db, now)) await reconcile(sub)
 * ```
 */
export function listPastDue(db: Db, before: Date): Promise<BillingSubscriptionRow[]> {
  return (
    db
      .selectFrom('billing_subscriptions as s')
      // Only licenses still active: one already suspended has nothing left to do.
      .innerJoin('licenses as l', 'l.id', 's.license_id')
      .selectAll('s')
      .where('s.past_due_since', 'is not', null)
      .where('s.past_due_since', '<=', before)
      .where('l.status', '=', 'active')
      .orderBy('s.past_due_since', 'asc')
      .limit(500)
      .execute()
  )
}

/**
 * The subscription driving a license, if any.
 *
 * @example
 * ```ts
 * const sub = await findSubscriptionByLicense(db, tenantId, 'lic_123')
 * ```
 */
export function findSubscriptionByLicense(
  db: Db,
  tenantId: string,
  licenseId: string,
): Promise<BillingSubscriptionRow | undefined> {
  return db
    .selectFrom('billing_subscriptions')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('license_id', '=', licenseId)
    .executeTakeFirst()
}
