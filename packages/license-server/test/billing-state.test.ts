import fc from 'fast-check'
import type Stripe from 'stripe'
import { describe, expect, it } from 'vitest'
import type { BillingSubscriptionRow } from '../src/billing/billing.table.js'
import {
  applyInvoicePaid,
  applyPaymentFailed,
  applySnapshot,
} from '../src/billing/subscription-state.js'
import {
  invoicePeriodEnd,
  invoiceSubscriptionId,
  subscriptionPeriodEnd,
  subscriptionPriceId,
} from '../src/billing/stripe-objects.js'

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

describe('Stripe object readers (current and pre-2025-03-31 API shapes)', () => {
  it('finds the subscription of an invoice in parent.subscription_details, or legacy invoice.subscription', () => {
    const current = {
      parent: {
        type: 'subscription_details',
        subscription_details: { subscription: 'sub_new', metadata: {} },
      },
    }
    const legacy = { parent: null, subscription: 'sub_old' }
    const expanded = { parent: { subscription_details: { subscription: { id: 'sub_exp' } } } }
    expect(invoiceSubscriptionId(current as unknown as Stripe.Invoice)).toBe('sub_new')
    expect(invoiceSubscriptionId(legacy as unknown as Stripe.Invoice)).toBe('sub_old')
    expect(invoiceSubscriptionId(expanded as unknown as Stripe.Invoice)).toBe('sub_exp')
    expect(invoiceSubscriptionId({ parent: null } as unknown as Stripe.Invoice)).toBeNull()
  })

  it('reads the period end from subscription items, or the legacy top-level field', () => {
    const items = {
      items: {
        data: [
          { current_period_end: 200, price: { id: 'price_a' } },
          { current_period_end: 300, price: { id: 'price_b' } },
        ],
      },
    }
    expect(subscriptionPeriodEnd(items as unknown as Stripe.Subscription)?.getTime()).toBe(300_000)
    expect(subscriptionPriceId(items as unknown as Stripe.Subscription)).toBe('price_a')
    const legacy = { items: { data: [{ price: 'price_c' }] }, current_period_end: 400 }
    expect(subscriptionPeriodEnd(legacy as unknown as Stripe.Subscription)?.getTime()).toBe(400_000)
    expect(subscriptionPriceId(legacy as unknown as Stripe.Subscription)).toBe('price_c')
  })

  it('takes the paid period from the invoice lines, not the invoice period (the previous one)', () => {
    const inv = {
      period_start: 0,
      period_end: 100,
      lines: { data: [{ period: { start: 100, end: 200 } }, { period: { start: 100, end: 150 } }] },
    }
    expect(invoicePeriodEnd(inv as unknown as Stripe.Invoice)?.getTime()).toBe(200_000)
    expect(invoicePeriodEnd({ lines: { data: [] } } as unknown as Stripe.Invoice)).toBeNull()
  })
})
