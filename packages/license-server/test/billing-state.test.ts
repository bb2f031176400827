import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { BillingSubscriptionRow } from '../src/billing/billing.table.js'
import {
  applyInvoicePaid,
  applyPaymentFailed,
  applySnapshot,
} from '../src/billing/subscription-state.js'

/** What a delivered event says, reduced to what the state machine reads. */
type Ev =
  | { kind: 'snapshot'; at: number; status: string; price: string; periodEnd: number }
  | { kind: 'paid'; at: number; periodEnd: number }
  | { kind: 'failed'; at: number }

function fresh(): BillingSubscriptionRow {
  const epoch = new Date(0)
  return {
    stripe_subscription_id: 'sub_1',
    tenant_id: 'ten_1',
    stripe_customer_id: 'cus_1',
    customer_id: null,
    license_id: null,
    stripe_price_id: null,
    status: 'unknown',
    state_at: epoch,
    snapshot_at: epoch,
    current_period_end: null,
    paid_through: null,
    expiry_provisional: false,
    good_at: epoch,
    arrears_at: [],
    past_due_since: null,
    cancel_at_period_end: false,
    canceled_at: null,
    version: 0,
    created_at: epoch,
    updated_at: epoch,
  }
}

function run(events: readonly Ev[]): BillingSubscriptionRow {
  let row = fresh()
  for (const e of events) {
    const at = new Date(e.at * 1000)
    const patch =
      e.kind === 'snapshot'
        ? applySnapshot(row, {
            at,
            status: e.status,
            stripeCustomerId: 'cus_1',
            priceId: e.price,
            currentPeriodEnd: new Date(e.periodEnd * 1000),
            cancelAtPeriodEnd: false,
            canceledAt: e.status === 'canceled' ? at : null,
          })
        : e.kind === 'paid'
          ? applyInvoicePaid(row, { at, periodEnd: new Date(e.periodEnd * 1000) })
          : applyPaymentFailed(row, { at })
    if (patch) row = { ...row, ...patch }
  }
  return row
}

const LIVE = ['active', 'trialing', 'past_due', 'unpaid', 'paused']

/**
 * A realistic history: distinct Stripe timestamps (one event per second), any mix of
 * snapshots and invoices, and at most one cancellation, which is the last thing that happens.
 */
const history = fc
  .array(
    fc.oneof(
      fc.record({
        kind: fc.constant('snapshot' as const),
        status: fc.constantFrom(...LIVE),
        price: fc.constantFrom('price_a', 'price_b', 'price_c'),
        periodEnd: fc.integer({ min: 1, max: 50 }),
      }),
      fc.record({ kind: fc.constant('paid' as const), periodEnd: fc.integer({ min: 1, max: 50 }) }),
      fc.record({ kind: fc.constant('failed' as const) }),
    ),
    { minLength: 1, maxLength: 9 },
  )
  .chain((evs) =>
    fc.boolean().map((cancel) => {
      const timed: Ev[] = evs.map((e, i) => ({
        ...e,
        at: 1000 + i * 10,
        ...(e.kind === 'paid' || e.kind === 'snapshot'
          ? { periodEnd: 10_000 + e.periodEnd * 100 }
          : {}),
      }))
      if (cancel)
        timed.push({
          kind: 'snapshot',
          at: 1000 + evs.length * 10,
          status: 'canceled',
          price: 'price_a',
          periodEnd: 20_000,
        })
      return timed
    }),
  )

describe('subscription state: arrival order does not matter', () => {
  it('any permutation of a history ends in the same status, plan, period, paid-through and grace start as the true order', () => {
    fc.assert(
      fc.property(
        history.chain((h) =>
          fc.tuple(
            fc.constant(h),
            fc.shuffledSubarray(h, { minLength: h.length, maxLength: h.length }),
          ),
        ),
        ([ordered, shuffled]) => {
          const truth = run(ordered)
          const got = run(shuffled)
          expect(got.status).toBe(truth.status)
          expect(got.stripe_price_id).toBe(truth.stripe_price_id)
          expect(got.current_period_end?.getTime()).toBe(truth.current_period_end?.getTime())
          expect(got.paid_through?.getTime()).toBe(truth.paid_through?.getTime())
          // Grace starts at the same moment: the first failure after the last payment.
          expect(got.past_due_since?.getTime()).toBe(truth.past_due_since?.getTime())
        },
      ),
      { numRuns: 2000 },
    )
  })

  it('dates the arrears from the first failure after the last payment, whatever the order', () => {
    const evs: Ev[] = [
      { kind: 'failed', at: 100 },
      { kind: 'paid', at: 200, periodEnd: 5000 },
      { kind: 'failed', at: 300 },
      { kind: 'failed', at: 400 },
    ]
    for (const order of [
      [0, 1, 2, 3],
      [3, 2, 1, 0],
      [1, 3, 0, 2],
      [2, 3, 1, 0],
      [3, 0, 2, 1],
      [0, 2, 3, 1],
    ]) {
      const row = run(order.map((i) => evs[i]!))
      expect(row.status).toBe('past_due')
      expect(row.past_due_since!.getTime()).toBe(300_000)
    }
  })

  it('a canceled subscription never comes back, even on a same-second tie', () => {
    const row = run([
      { kind: 'snapshot', at: 500, status: 'canceled', price: 'price_a', periodEnd: 900 },
      { kind: 'snapshot', at: 500, status: 'active', price: 'price_b', periodEnd: 900 },
      { kind: 'paid', at: 600, periodEnd: 1200 },
    ])
    expect(row.status).toBe('canceled')
    expect(row.paid_through!.getTime()).toBe(1_200_000)
  })
})
