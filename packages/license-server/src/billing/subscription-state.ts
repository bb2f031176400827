import type { BillingSubscriptionRow } from './billing.table.js'
import type { SubscriptionPatch } from './billing-subscription.repository.js'

/** Statuses in which the customer owes money: grace, then suspension. */
export const ARREARS: ReadonlySet<string> = new Set(['past_due', 'unpaid'])

/** Statuses after which a subscription can never become active again. */
export const ENDED: ReadonlySet<string> = new Set(['canceled', 'incomplete_expired'])

/** What a subscription snapshot (`customer.subscription.*`) says, at Stripe time `at`. */
export interface SubscriptionSnapshot {
  at: Date
  status: string
  stripeCustomerId: string | null
  priceId: string | null
  currentPeriodEnd: Date | null
  cancelAtPeriodEnd: boolean
  canceledAt: Date | null
}

/** Most arrears times kept (Stripe retries a failed invoice a handful of times). */
const MAX_ARREARS = 64

/**
 * The status part of an event (snapshot or invoice) at Stripe time `at`. The newest event
 * sets the status. Every event, in whatever order it arrives, also feeds the arrears record:
 * good-standing times raise `good_at`, failure times join `arrears_at`, and grace starts at
 * the first failure after the last good-standing event. Both are order-free (a max and a set),
 * so `past_due_since` ends up the same as if the events had arrived in order.
 */
function statusPart(
  row: BillingSubscriptionRow,
  status: string,
  at: Date,
): SubscriptionPatch | null {
  // An ended subscription stays ended (Stripe never reactivates a canceled one); this also
  // settles same-second ties between `updated` and `deleted`.
  if (ENDED.has(row.status)) return null
  const ending = ENDED.has(status)
  const arrears = ARREARS.has(status)
  const newer = ending || at >= row.state_at
  const goodAt = !arrears && !ending && at > row.good_at ? at : row.good_at
  const times = new Set(row.arrears_at)
  if (arrears) times.add(at.toISOString())
  const kept = [...times]
    .filter((t) => new Date(t) >= goodAt)
    .sort()
    .slice(-MAX_ARREARS)
  const nextStatus = newer ? status : row.status
  const first = kept[0]
  const since = ARREARS.has(nextStatus) && first ? new Date(first) : null
  const patch: SubscriptionPatch = {
    ...(newer ? { status, state_at: at } : {}),
    ...(goodAt !== row.good_at ? { good_at: goodAt } : {}),
    ...(kept.join() !== row.arrears_at.join() ? { arrears_at: kept } : {}),
    ...((since?.getTime() ?? null) !== (row.past_due_since?.getTime() ?? null)
      ? { past_due_since: since }
      : {}),
  }
  return Object.keys(patch).length ? patch : null
}

/**
 * The change a subscription snapshot makes, or null when it brings nothing new. Status and the
 * snapshot's own fields (price, period, cancel flags) each move only forward in Stripe time:
 * an older snapshot arriving last does not undo a newer one.
 *
 * @example
 * ```ts
 * const patch = applySnapshot(row, toSnapshot(subscription, event))
 * if (patch) await updateSubscription(trx, row.stripe_subscription_id, patch, now)
 * ```
 */
export function applySnapshot(
  row: BillingSubscriptionRow,
  snap: SubscriptionSnapshot,
): SubscriptionPatch | null {
  const fieldsNewer = snap.at >= row.snapshot_at
  const status = statusPart(row, snap.status, snap.at)
  if (!fieldsNewer && !status) return null
  return {
    ...(fieldsNewer
      ? {
          snapshot_at: snap.at,
          stripe_customer_id: snap.stripeCustomerId ?? row.stripe_customer_id,
          stripe_price_id: snap.priceId ?? row.stripe_price_id,
          current_period_end: snap.currentPeriodEnd ?? row.current_period_end,
          cancel_at_period_end: snap.cancelAtPeriodEnd,
          canceled_at: snap.canceledAt,
        }
      : {}),
    ...status,
  }
}

/**
 * The change a paid invoice makes: the paid period only grows (a late, older invoice never
 * shortens it), and a payment newer than the last status puts the subscription in good
 * standing.
 *
 * @example
 * ```ts
 * const patch = applyInvoicePaid(row, { at: fromUnix(event.created), periodEnd: invoicePeriodEnd(invoice) })
 * ```
 */
export function applyInvoicePaid(
  row: BillingSubscriptionRow,
  inv: { at: Date; periodEnd: Date | null },
): SubscriptionPatch | null {
  const grows = inv.periodEnd !== null && (!row.paid_through || inv.periodEnd > row.paid_through)
  const status = statusPart(row, 'active', inv.at)
  if (!grows && !status) return null
  return { ...(grows ? { paid_through: inv.periodEnd } : {}), ...status }
}

/**
 * The change a failed invoice payment makes: past due, with grace from the first failure.
 *
 * @example
 * ```ts
 * const patch = applyPaymentFailed(row, { at: fromUnix(event.created) })
 * ```
 */
export function applyPaymentFailed(
  row: BillingSubscriptionRow,
  inv: { at: Date },
): SubscriptionPatch | null {
  return statusPart(row, 'past_due', inv.at)
}
