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

function statusChange(row: BillingSubscriptionRow, status: string, at: Date): SubscriptionPatch {
  return {
    status,
    state_at: at,
    // Grace counts from the first time it went past due, not from each retry.
    past_due_since: ARREARS.has(status) ? (row.past_due_since ?? at) : null,
  }
}

/**
 * The change a subscription snapshot makes, or null when it brings nothing new. Status and the
 * snapshot's own fields (price, period, cancel flags) each move only forward in Stripe time:
 * an older snapshot is ignored even if it arrives last. An ended subscription stays ended
 * (Stripe never reactivates a canceled one), which also settles same-second ties.
 */
export function applySnapshot(
  row: BillingSubscriptionRow,
  snap: SubscriptionSnapshot,
): SubscriptionPatch | null {
  const rowEnded = ENDED.has(row.status)
  const snapEnds = ENDED.has(snap.status)
  const fieldsNewer = snap.at >= row.snapshot_at
  const statusNewer = rowEnded ? false : snapEnds || snap.at >= row.state_at
  if (!fieldsNewer && !statusNewer) return null
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
    ...(statusNewer ? statusChange(row, snap.status, snap.at) : {}),
  }
}

/**
 * The change a paid invoice makes: the paid period only grows (a late, older invoice never
 * shortens it), and a payment newer than the last status clears arrears.
 */
export function applyInvoicePaid(
  row: BillingSubscriptionRow,
  inv: { at: Date; periodEnd: Date | null },
): SubscriptionPatch | null {
  const grows = inv.periodEnd !== null && (!row.paid_through || inv.periodEnd > row.paid_through)
  const recovers = !ENDED.has(row.status) && inv.at >= row.state_at
  if (!grows && !recovers) return null
  return {
    ...(grows ? { paid_through: inv.periodEnd } : {}),
    ...(recovers ? statusChange(row, 'active', inv.at) : {}),
  }
}

/** The change a failed invoice payment makes (ignored when older than the last status). */
export function applyPaymentFailed(
  row: BillingSubscriptionRow,
  inv: { at: Date },
): SubscriptionPatch | null {
  if (ENDED.has(row.status) || inv.at < row.state_at) return null
  return statusChange(row, 'past_due', inv.at)
}
