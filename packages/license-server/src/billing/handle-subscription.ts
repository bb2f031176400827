import type Stripe from 'stripe'
import type { Db } from '../db/database.js'
import { stripeActor, type BillingDeps } from './billing-deps.js'
import { lockSubscription, updateSubscription } from './billing-subscription.repository.js'
import type { HandlerOutcome } from './handler-outcome.js'
import { reconcileLicense } from './reconcile-license.js'
import { fromUnix, idOf, subscriptionPeriodEnd, subscriptionPriceId } from './stripe-objects.js'
import { applySnapshot, type SubscriptionSnapshot } from './subscription-state.js'

/**
 * The parts of a subscription object billing tracks, stamped with the event's time.
 *
 * @example
 * ```ts
 * const snap = toSnapshot(event.data.object as Stripe.Subscription, event)
 * ```
 */
export function toSnapshot(sub: Stripe.Subscription, event: Stripe.Event): SubscriptionSnapshot {
  return {
    at: fromUnix(event.created),
    status: event.type === 'customer.subscription.deleted' ? 'canceled' : sub.status,
    stripeCustomerId: idOf(sub.customer),
    priceId: subscriptionPriceId(sub),
    currentPeriodEnd: subscriptionPeriodEnd(sub),
    cancelAtPeriodEnd: sub.cancel_at_period_end,
    canceledAt: sub.canceled_at ? fromUnix(sub.canceled_at) : null,
  }
}

/**
 * `customer.subscription.created|updated|deleted|paused|resumed`: records the snapshot when it
 * is newer than what was applied (older ones are ignored, so reordered deliveries converge),
 * then brings the license in line: plan change (new entitlements and limits, new token),
 * past-due grace and suspension, cancellation (revoke, or expire at period end per plan).
 *
 * @example
 * ```ts
 * const outcome = await handleSubscriptionEvent(trx, tenantId, event, app.billing.deps)
 * ```
 */
export async function handleSubscriptionEvent(
  trx: Db,
  tenantId: string,
  event: Stripe.Event,
  deps: BillingDeps,
): Promise<HandlerOutcome> {
  const object = event.data.object as Stripe.Subscription
  const snap = toSnapshot(object, event)
  const now = deps.now()
  const row = await lockSubscription(trx, tenantId, object.id, {
    now,
    stripeCustomerId: snap.stripeCustomerId,
  })
  const patch = applySnapshot(row, snap)
  if (!patch) return { status: 'ignored', note: 'older than the state applied' }
  const updated = await updateSubscription(trx, object.id, patch, now)
  const result = await reconcileLicense(trx, updated, stripeActor(event.id), deps, {
    dedupe: event.id,
  })
  return {
    status: 'processed',
    note: `${updated.status}${result.changes.length ? `; ${result.changes.join(', ')}` : ''}`,
  }
}
