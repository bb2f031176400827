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

const min = (a: Date | null, b: Date): Date => (a && a < b ? a : b)

/**
 * The status part of an event (snapshot or invoice) at Stripe time `at`. Newer than the
 * applied status: it becomes the status. Older: it can still date the arrears more exactly,
 * since grace counts from the first failure after the last good-standing event:
 * - an older failure after the last good event moves `past_due_since` back to it;
 * - an older good event after `past_due_since` shows the arrears began later, at the latest
 *   known failure (`state_at`): later, never earlier, so grace is never cut short.
 */
function statusPart(row: BillingSubscriptionRow, status: string, at: Date): SubscriptionPatch | null {
  const rowEnded = ENDED.has(row.status)
  const ending = ENDED.has(status)
  // An ended subscription stays ended (Stripe never reactivates a canceled one); this also
  // settles same-second ties between `updated` and `deleted`.
  if (rowEnded) return null
  const arrears = ARREARS.has(status)
  const inArrears = ARREARS.has(row.status)
  if (ending || at >= row.state_at) {
    return {
      status,
      state_at: at,
      past_due_since: arrears ? (inArrears ? min(row.past_due_since, at) : at) : null,
      ...(arrears || ending ? {} : { good_at: at > row.good_at ? at : row.good_at }),
    }
  }
  if (arrears) {
    if (inArrears && at > row.good_at && row.past_due_since && at < row.past_due_since) {
      return { past_due_since: at }
    }
    return null
  }
  const patch: SubscriptionPatch = {}
  if (at > row.good_at) patch.good_at = at
  if (inArrears && row.past_due_since && at > row.past_due_since) patch.past_due_since = row.state_at
  return Object.keys(patch).length ? patch : null
}

/**
 * The change a subscription snapshot makes, or null when it brings nothing new. Status and the
 * snapshot's own fields (price, period, cancel flags) each move only forward in Stripe time:
 * an older snapshot arriving last does not undo a newer one.
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

/** The change a failed invoice payment makes: past due, with grace from the first failure. */
export function applyPaymentFailed(
  row: BillingSubscriptionRow,
  inv: { at: Date },
): SubscriptionPatch | null {
  return statusPart(row, 'past_due', inv.at)
}
