import type Stripe from 'stripe'
import type { Db } from '../db/database.js'
import { AppError } from '../errors/app-error.js'
import { issueLicense } from '../licenses/issue-license.js'
import { findLicense } from '../licenses/license.repository.js'
import { findPlan, findPlanByStripePrice } from '../plans/plan.repository.js'
import type { PlanRow } from '../plans/plan.table.js'
import { META, stripeActor, type BillingDeps } from './billing-deps.js'
import { lockSubscription, updateSubscription } from './billing-subscription.repository.js'
import type { HandlerOutcome } from './handler-outcome.js'
import { handleOneTimePayment } from './handle-one-time-payment.js'
import { checkoutCustomer } from './checkout-customer.js'
import { reconcileLicense } from './reconcile-license.js'
import { deliverSettled, linkSubscription } from './link-subscription.js'
import { fromUnix, idOf } from './stripe-objects.js'
import { convertTrialOnCheckout } from '../trials/convert-trial.js'

const DAY_MS = 86_400_000
/** Period assumed when the plan has none, until the first paid invoice states it. */
const PROVISIONAL_DAYS = 31
/**
 * Slack on the guess: the paid invoice (seconds later, usually) then only shortens the
 * stored expiry, which needs no new key in the buyer's mailbox.
 */
const PROVISIONAL_SLACK_DAYS = 3

/** The plan bought: our metadata first, then a known subscription price, then line items. */
async function planFor(
  trx: Db,
  tenantId: string,
  session: Stripe.Checkout.Session,
  knownPriceId: string | null,
  deps: BillingDeps,
): Promise<PlanRow> {
  const planId = session.metadata?.[META.planId]
  if (planId) {
    const plan = await findPlan(trx, tenantId, planId)
    if (plan) return plan
  }
  let priceId = knownPriceId
  if (!priceId && deps.stripe) {
    // Sessions made elsewhere (Payment Links, the Dashboard) carry no metadata; line items
    // are not in the event payload, so ask Stripe.
    const items = await deps.stripe.checkout.sessions.listLineItems(session.id, { limit: 1 })
    priceId = idOf(items.data[0]?.price)
  }
  const plan = priceId ? await findPlanByStripePrice(trx, tenantId, priceId) : undefined
  if (!plan) {
    throw new AppError(
      'BILLING_PLAN_NOT_FOUND',
      `No plan maps to the price of checkout ${session.id} (${priceId ?? 'price unknown'}); set stripePriceId on a plan and retry the event`,
    )
  }
  return plan
}

/**
 * Checkout started with a license key (`tollgate_license_id` metadata): the subscription takes
 * over that staff-issued license (same id and key; its expiry now follows the paid periods)
 * instead of issuing a new one. A license that is revoked, of another tenant or already billed
 * by another subscription is not taken over: a new license is issued as usual.
 */
async function attachExistingLicense(
  trx: Db,
  tenantId: string,
  session: Stripe.Checkout.Session,
  sub: Awaited<ReturnType<typeof lockSubscription>>,
  stripeCustomerId: string,
  event: Stripe.Event,
  deps: BillingDeps,
): Promise<HandlerOutcome | null> {
  const licenseId = session.metadata?.[META.licenseId]
  if (!licenseId) return null
  const license = await findLicense(trx, tenantId, licenseId, { forUpdate: true })
  if (!license || license.status === 'revoked') return null
  const billed = await trx
    .selectFrom('billing_subscriptions')
    .select('stripe_subscription_id')
    .where('license_id', '=', licenseId)
    .executeTakeFirst()
  if (billed) return null
  const settled = await linkSubscription(
    trx,
    {
      sub,
      license,
      stripeCustomerId,
      provisional: false,
      actor: stripeActor(event.id),
      dedupe: event.id,
      deliver: true,
    },
    deps,
  )
  return {
    status: 'processed',
    note: `license ${license.id} attached${settled.changes.length ? `; ${settled.changes.join(', ')}` : ''}`,
  }
}

/**
 * `checkout.session.completed` (and `checkout.session.async_payment_succeeded`): a paid
 * subscription checkout creates the customer (with its Stripe customer id) and issues a
 * license on the plan mapped to the price, then queues the key for the buyer. A session whose
 * payment is still pending waits for `async_payment_succeeded`. One license per subscription,
 * however many events say so.
 *
 * @example
 * ```ts
 * const outcome = await handleCheckoutCompleted(trx, tenantId, event, app.billing.deps)
 * ```
 */
export async function handleCheckoutCompleted(
  trx: Db,
  tenantId: string,
  event: Stripe.Event,
  deps: BillingDeps,
): Promise<HandlerOutcome> {
  const session = event.data.object as Stripe.Checkout.Session
  if (session.mode !== 'subscription' && session.mode !== 'payment') {
    return { status: 'ignored', note: `mode ${session.mode}` }
  }
  if (session.payment_status === 'unpaid') return { status: 'ignored', note: 'payment pending' }
  if (session.mode === 'payment') {
    const plan = await planFor(trx, tenantId, session, null, deps)
    return handleOneTimePayment(trx, tenantId, event, session, plan, deps)
  }
  const subscriptionId = idOf(session.subscription)
  const stripeCustomerId = idOf(session.customer)
  if (!subscriptionId || !stripeCustomerId) {
    throw new AppError('BILLING_EVENT_INVALID', 'Checkout session has no subscription or customer')
  }
  const now = deps.now()
  const sub = await lockSubscription(trx, tenantId, subscriptionId, {
    now,
    stripeCustomerId,
  })
  if (sub.license_id) return { status: 'ignored', note: `license ${sub.license_id} exists` }
  // Trials (issue 18): the buyer's unconverted trial license is upgraded, not duplicated.
  const converted = await convertTrialOnCheckout(
    trx,
    tenantId,
    {
      session,
      sub,
      stripeCustomerId,
      event,
      plan: () => planFor(trx, tenantId, session, sub.stripe_price_id, deps),
    },
    deps,
  )
  if (converted) return converted
  const attached = await attachExistingLicense(
    trx,
    tenantId,
    session,
    sub,
    stripeCustomerId,
    event,
    deps,
  )
  if (attached) return attached
  const plan = await planFor(trx, tenantId, session, sub.stripe_price_id, deps)
  const customer = await checkoutCustomer(trx, tenantId, session, event, now)
  const actor = stripeActor(event.id)
  const known = sub.paid_through ?? sub.current_period_end
  const expiresAt =
    known ??
    new Date(
      now.getTime() + ((plan.duration_days ?? PROVISIONAL_DAYS) + PROVISIONAL_SLACK_DAYS) * DAY_MS,
    )
  const issued = await issueLicense(
    trx,
    tenantId,
    {
      customerId: customer.id,
      planId: plan.id,
      expiresAt,
      metadata: {
        stripeSubscriptionId: subscriptionId,
        stripeCheckoutSessionId: session.id,
        purchasedAt: fromUnix(event.created).toISOString(),
      },
    },
    actor,
    deps,
  )
  const linked = await updateSubscription(
    trx,
    subscriptionId,
    {
      license_id: issued.license.id,
      customer_id: customer.id,
      stripe_customer_id: stripeCustomerId,
      // Until a paid invoice states the period, the expiry is a guess it may shorten.
      expiry_provisional: sub.paid_through === null,
    },
    now,
  )
  // Events that arrived before this one (paid invoice, plan change, cancellation) already
  // moved the subscription row; apply them to the new license before delivering it.
  const settled = await reconcileLicense(trx, linked, actor, deps, {
    dedupe: event.id,
    deliver: false,
  })
  const license = await deliverSettled(trx, settled, issued, {
    reason: 'issued',
    dedupeKey: `${issued.license.id}:issued`,
    now,
  })
  return { status: 'processed', note: `license ${license.id}` }
}
