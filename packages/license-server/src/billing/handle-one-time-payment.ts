import { sql } from 'kysely'
import type Stripe from 'stripe'
import type { Db } from '../db/database.js'
import { issueLicense } from '../licenses/issue-license.js'
import type { PlanRow } from '../plans/plan.table.js'
import { stripeActor, type BillingDeps } from './billing-deps.js'
import { queueLicenseDelivery } from './deliver-license.js'
import type { HandlerOutcome } from './handler-outcome.js'
import { checkoutCustomer } from './checkout-customer.js'
import { fromUnix, idOf } from './stripe-objects.js'
import { convertTrialOnPayment } from '../trials/convert-trial.js'

/**
 * A paid one-time Checkout (`mode: payment`): issues a license on the plan, perpetual or for the
 * plan's `durationDays`, and queues the key for the buyer; a buyer with an unconverted trial gets
 * that trial license upgraded instead (same id, new token). One license per session, whichever
 * of `checkout.session.completed` / `async_payment_succeeded` arrives (and however often): the
 * session id is locked for the transaction and looked up on the licenses first.
 *
 * @example
 * ```ts
 * const outcome = await handleOneTimePayment(trx, tenantId, event, session, plan, deps)
 * ```
 */
export async function handleOneTimePayment(
  trx: Db,
  tenantId: string,
  event: Stripe.Event,
  session: Stripe.Checkout.Session,
  plan: PlanRow,
  deps: BillingDeps,
): Promise<HandlerOutcome> {
  await sql`select pg_advisory_xact_lock(hashtext(${`checkout:${session.id}`}))`.execute(trx)
  const existing = await trx
    .selectFrom('licenses')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where(sql<boolean>`metadata->>'stripeCheckoutSessionId' = ${session.id}`)
    .executeTakeFirst()
  if (existing) return { status: 'ignored', note: `license ${existing.id} exists` }
  const now = deps.now()
  const metadata = {
    stripeCheckoutSessionId: session.id,
    stripePaymentIntentId: idOf(session.payment_intent),
    oneTimePurchase: true,
    purchasedAt: fromUnix(event.created).toISOString(),
  }
  // Trials (issue 18): the buyer's unconverted trial license is upgraded, not duplicated.
  const converted = await convertTrialOnPayment(
    trx,
    tenantId,
    { session, event, plan, metadata },
    deps,
  )
  if (converted) return converted
  const customer = await checkoutCustomer(trx, tenantId, session, event, now)
  const issued = await issueLicense(
    trx,
    tenantId,
    // No expiresAt: the plan's duration from now, perpetual when it has none.
    { customerId: customer.id, planId: plan.id, metadata },
    stripeActor(event.id),
    deps,
  )
  await queueLicenseDelivery(trx, issued.license, issued.token, {
    reason: 'issued',
    dedupeKey: `${issued.license.id}:issued`,
    now,
  })
  return { status: 'processed', note: `license ${issued.license.id} (one-time payment)` }
}
