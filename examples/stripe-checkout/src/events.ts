import { randomBytes } from 'node:crypto'
import type Stripe from 'stripe'

/** The API version the sample payloads are laid out for (the stripe package's). */
export const SAMPLE_API_VERSION = '2026-10-28.endive'
const DAY_S = 86_400

/** A Stripe-style id, e.g. `evt_1QAbc…`. */
export function stripeId(prefix: string): string {
  return `${prefix}_1Q${randomBytes(12).toString('base64url').replace(/[-_]/g, 'x')}`
}

/** Who is buying what: the ids tying a run of sample events together. */
export interface Purchase {
  subscription: string
  customer: string
  email: string
  name: string
  /** The Stripe price of the plan bought (a Tollgate plan's `stripePriceId`). */
  price: string
  /** Unix seconds when the current period started. */
  periodStart: number
  periodEnd: number
}

/**
 * A new purchase: fresh subscription and customer ids, a 30-day period starting now.
 *
 * @example
 * ```ts
 * const p = newPurchase({ email: 'it@acme.example', price: 'price_free' })
 * ```
 */
export function newPurchase(o: {
  email: string
  price: string
  name?: string
  now?: Date
}): Purchase {
  const start = Math.floor((o.now ?? new Date()).getTime() / 1000)
  return {
    subscription: stripeId('sub'),
    customer: stripeId('cus'),
    email: o.email,
    name: o.name ?? 'Acme Corp',
    price: o.price,
    periodStart: start,
    periodEnd: start + 30 * DAY_S,
  }
}

function envelope(type: string, object: object, created: number): Stripe.Event {
  return {
    id: stripeId('evt'),
    object: 'event',
    api_version: SAMPLE_API_VERSION,
    created,
    data: { object },
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
  } as unknown as Stripe.Event
}

const nowS = (): number => Math.floor(Date.now() / 1000)

/**
 * `checkout.session.completed` for a subscription checkout. A $0 price (a free tier sold
 * through Checkout) completes with `payment_status: 'no_payment_required'`.
 *
 * @example
 * ```ts
 * await sendStripeEvent(url, secret, checkoutCompleted(p, { free: true }))
 * ```
 */
export function checkoutCompleted(
  p: Purchase,
  o: { free?: boolean; planId?: string } = {},
): Stripe.Event {
  const amount = o.free ? 0 : 2000
  const created = nowS()
  return envelope(
    'checkout.session.completed',
    {
      id: stripeId('cs_test'),
      object: 'checkout.session',
      mode: 'subscription',
      status: 'complete',
      payment_status: o.free ? 'no_payment_required' : 'paid',
      amount_subtotal: amount,
      amount_total: amount,
      currency: 'usd',
      client_reference_id: o.planId ?? null,
      customer: p.customer,
      customer_email: null,
      customer_details: {
        email: p.email,
        name: p.name,
        address: null,
        phone: null,
        tax_exempt: 'none',
        tax_ids: [],
      },
      // What POST /v1/billing/checkout puts on the sessions it creates.
      metadata: o.planId ? { tollgate_plan_id: o.planId } : {},
      subscription: p.subscription,
      created,
      livemode: false,
    },
    created,
  )
}

function subscriptionObject(p: Purchase, status: string, canceledAt: number | null): object {
  return {
    id: p.subscription,
    object: 'subscription',
    status,
    customer: p.customer,
    cancel_at_period_end: false,
    canceled_at: canceledAt,
    ended_at: status === 'canceled' ? canceledAt : null,
    created: p.periodStart,
    currency: 'usd',
    items: {
      object: 'list',
      data: [
        {
          id: `si_${p.subscription.slice(4)}`,
          object: 'subscription_item',
          current_period_start: p.periodStart,
          current_period_end: p.periodEnd,
          price: { id: p.price, object: 'price', active: true, currency: 'usd', type: 'recurring' },
          quantity: 1,
          subscription: p.subscription,
        },
      ],
      has_more: false,
    },
    livemode: false,
    metadata: {},
  }
}

/**
 * `customer.subscription.created`: Stripe sends it alongside `checkout.session.completed` (often
 * first). It tells the server the subscription's price, which maps it to a Tollgate plan.
 *
 * @example
 * ```ts
 * await sendStripeEvent(url, secret, subscriptionCreated(p))
 * ```
 */
export function subscriptionCreated(p: Purchase): Stripe.Event {
  return envelope('customer.subscription.created', subscriptionObject(p, 'active', null), nowS())
}

/**
 * `customer.subscription.updated` moving the subscription to `price` (an upgrade or downgrade
 * in the Customer Portal). Tollgate moves the license to the plan of that price and re-issues
 * its key. Records the new price in `p`.
 *
 * @example
 * ```ts
 * await sendStripeEvent(url, secret, subscriptionUpdated(p, 'price_pro'))
 * ```
 */
export function subscriptionUpdated(p: Purchase, price: string): Stripe.Event {
  p.price = price
  return envelope('customer.subscription.updated', subscriptionObject(p, 'active', null), nowS())
}

/** `customer.subscription.deleted`: the customer cancelled (the plan's cancelBehavior applies). */
export function subscriptionDeleted(p: Purchase): Stripe.Event {
  const at = nowS()
  return envelope('customer.subscription.deleted', subscriptionObject(p, 'canceled', at), at)
}

/**
 * `invoice.paid` for the next period: the license's expiry moves to the end of what was paid.
 *
 * @example
 * ```ts
 * await sendStripeEvent(url, secret, invoicePaid(p))
 * ```
 */
export function invoicePaid(p: Purchase): Stripe.Event {
  const created = nowS()
  return envelope(
    'invoice.paid',
    {
      id: stripeId('in'),
      object: 'invoice',
      status: 'paid',
      customer: p.customer,
      billing_reason: 'subscription_cycle',
      currency: 'usd',
      amount_paid: 2000,
      created,
      parent: {
        type: 'subscription_details',
        subscription_details: { metadata: {}, subscription: p.subscription },
      },
      lines: {
        object: 'list',
        data: [
          {
            id: stripeId('il'),
            object: 'line_item',
            amount: 2000,
            period: { start: p.periodStart, end: p.periodEnd },
          },
        ],
        has_more: false,
      },
      livemode: false,
    },
    created,
  )
}
