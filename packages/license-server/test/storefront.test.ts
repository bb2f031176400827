import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../src/config/load-config.js'
import { DAY } from './helpers/clock.js'
import { post, type Obj } from './helpers/fixtures.js'
import { createTestApp, type TestApp } from './helpers/test-app.js'
import {
  billingConfig,
  checkoutSession,
  DAY_S,
  deliver,
  event,
  invoice,
  sid,
  subscription,
  unix,
} from './billing-fixtures.js'

const SHOP = 'https://shop.vendor.test'
let t: TestApp
beforeAll(async () => {
  t = await createTestApp({
    config: {
      billing: billingConfig(),
      webhooks: {
        ...loadConfig({}).webhooks,
        intervalMs: 0,
        lifecycleIntervalMs: 0,
        corsOrigins: [SHOP],
      },
    },
  })
})
afterAll(() => t.close())

const plan = (o: Record<string, unknown>) =>
  post(t, '/v1/admin/plans', {
    name: 'Plan',
    product: 'app',
    tier: 'pro',
    entitlements: ['sso'],
    policy: { expiryGraceDays: 0, offlineGraceDays: 1, heartbeatIntervalS: 60, maxDeployments: 1 },
    ...o,
  })

/** A paid one-time checkout of `planId`. */
function paymentSession(planId: string, created: number, customer: string | null) {
  return {
    ...(checkoutSession({
      subscription: 'x',
      customer: 'x',
      email: 'once@buyer.test',
      planId,
      created,
    }) as Obj),
    mode: 'payment',
    subscription: null,
    invoice: null,
    customer,
    payment_intent: sid('pi'),
  }
}

async function licensesOfSession(sessionId: string) {
  return t.db
    .selectFrom('licenses')
    .selectAll()
    .where((eb) => eb(eb.ref('metadata', '->>').key('stripeCheckoutSessionId'), '=', sessionId))
    .execute()
}

describe('one-time payments (mode: payment)', () => {
  it('issue a fixed-term license once per session and mail the key', async () => {
    const { id: planId } = await plan({
      durationDays: 365,
      stripePriceId: 'price_once',
      purchaseMode: 'payment',
    })
    const now = unix(t)
    const session = paymentSession(planId, now, sid('cus'))
    const first = await deliver(t, event('checkout.session.completed', session, now))
    expect(first.json<{ status: string }>().status).toBe('processed')
    const again = await deliver(
      t,
      event('checkout.session.async_payment_succeeded', session, now + 5),
    )
    expect(again.json<{ status: string }>().status).toBe('ignored')
    const licenses = await licensesOfSession(String(session.id))
    expect(licenses).toHaveLength(1)
    expect(licenses[0]!.expires_at!.getTime()).toBe(t.clock.now().getTime() + 365 * DAY)
    const mail = await t.db
      .selectFrom('outbox_messages')
      .selectAll()
      .where('license_id', '=', licenses[0]!.id)
      .execute()
    expect(mail).toEqual([
      expect.objectContaining({ recipient: 'once@buyer.test', kind: 'license.issued' }),
    ])
  })

  it('issue a perpetual license for a plan without duration, even without a Stripe customer', async () => {
    const { id: planId } = await plan({
      durationDays: null,
      stripePriceId: 'price_forever',
      purchaseMode: 'payment',
    })
    const now = unix(t)
    const session = paymentSession(planId, now, null)
    expect(
      (await deliver(t, event('checkout.session.completed', session, now))).json(),
    ).toMatchObject({
      status: 'processed',
    })
    const [license] = await licensesOfSession(String(session.id))
    expect(license!.expires_at).toBeNull()
  })
})

describe('a staff-issued license attached to a later subscription', () => {
  it('takes over the license (same id) instead of issuing a new one; paid periods set its expiry', async () => {
    const { id: planId } = await plan({ durationDays: 30, stripePriceId: 'price_attach' })
    const customer = await post(t, '/v1/admin/customers', {
      name: 'Trial Co',
      email: 'trial@co.test',
    })
    const { license } = await post<{ license: Obj }>(t, '/v1/admin/licenses', {
      customerId: customer.id,
      planId,
    })
    const now = unix(t)
    const sub = sid('sub')
    const cus = sid('cus')
    const session = {
      ...(checkoutSession({
        subscription: sub,
        customer: cus,
        email: 'trial@co.test',
        planId,
        created: now,
      }) as Obj),
      metadata: { tollgate_plan_id: planId, tollgate_license_id: license.id },
    }
    const res = await deliver(t, event('checkout.session.completed', session, now))
    expect(res.json<{ status: string; note: string }>()).toMatchObject({ status: 'processed' })
    const periodEnd = now + 90 * DAY_S
    const paid = invoice({
      subscription: sub,
      customer: cus,
      price: 'price_attach',
      status: 'paid',
      periodStart: now,
      periodEnd,
      created: now + 1,
    })
    expect((await deliver(t, event('invoice.paid', paid, now + 1))).statusCode).toBe(200)
    const row = await t.db
      .selectFrom('billing_subscriptions')
      .selectAll()
      .where('stripe_subscription_id', '=', sub)
      .executeTakeFirstOrThrow()
    expect(row.license_id).toBe(license.id)
    const after = await t.db
      .selectFrom('licenses')
      .selectAll()
      .where('id', '=', license.id)
      .executeTakeFirstOrThrow()
    expect(after.expires_at!.getTime()).toBe(periodEnd * 1000)
    const count = await t.db
      .selectFrom('licenses')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('customer_id', '=', customer.id)
      .executeTakeFirstOrThrow()
    expect(Number(count.n)).toBe(1)
  })
})

describe('cancellation can downgrade to a free plan', () => {
  it('moves the license to the free plan (perpetual, same id) and detaches it from the subscription', async () => {
    const { id: freeId } = await plan({
      name: 'Free',
      tier: 'free',
      entitlements: [],
      durationDays: null,
    })
    const { id: paidId } = await plan({
      name: 'Paid',
      tier: 'paid',
      stripePriceId: 'price_paid_dg',
      cancelBehavior: 'downgrade',
      downgradePlanId: freeId,
    })
    const now = unix(t)
    const sub = sid('sub')
    const cus = sid('cus')
    const session = checkoutSession({
      subscription: sub,
      customer: cus,
      email: 'dg@co.test',
      planId: paidId,
      created: now,
    })
    expect((await deliver(t, event('checkout.session.completed', session, now))).statusCode).toBe(
      200,
    )
    const { license_id: licenseId } = await t.db
      .selectFrom('billing_subscriptions')
      .select('license_id')
      .where('stripe_subscription_id', '=', sub)
      .executeTakeFirstOrThrow()
    const ended = subscription({
      id: sub,
      customer: cus,
      price: 'price_paid_dg',
      status: 'canceled',
      periodStart: now,
      periodEnd: now + 30 * DAY_S,
      canceledAt: now + 10,
    })
    const res = await deliver(t, event('customer.subscription.deleted', ended, now + 10))
    expect(res.json<{ status: string }>().status).toBe('processed')
    const lic = await t.db
      .selectFrom('licenses')
      .selectAll()
      .where('id', '=', licenseId!)
      .executeTakeFirstOrThrow()
    expect(lic).toMatchObject({ plan_id: freeId, tier: 'free', status: 'active', expires_at: null })
    const row = await t.db
      .selectFrom('billing_subscriptions')
      .select('license_id')
      .where('stripe_subscription_id', '=', sub)
      .executeTakeFirstOrThrow()
    expect(row.license_id).toBeNull()
  })
})

describe('public plan list and CORS', () => {
  it('lists only public plans, cacheable with an ETag', async () => {
    await plan({ name: 'Hidden', tier: 'internal' })
    await plan({ name: 'Team', tier: 'team', public: true, stripePriceId: 'price_team' })
    const res = await t.app.inject({ method: 'GET', url: '/v1/plans' })
    expect(res.statusCode).toBe(200)
    expect(res.headers['cache-control']).toBe('public, max-age=60')
    const items = res.json<{ items: Obj[] }>().items
    expect(items.map((p) => p.name)).toEqual(['Team'])
    expect(items[0]).toMatchObject({ purchasable: true, purchaseMode: 'subscription' })
    expect(JSON.stringify(items)).not.toContain('price_team')
    const cached = await t.app.inject({
      method: 'GET',
      url: '/v1/plans',
      headers: { 'if-none-match': String(res.headers.etag) },
    })
    expect(cached.statusCode).toBe(304)
  })

  it('answers CORS for listed origins only, with preflight', async () => {
    const ok = await t.app.inject({ method: 'GET', url: '/v1/plans', headers: { origin: SHOP } })
    expect(ok.headers['access-control-allow-origin']).toBe(SHOP)
    const other = await t.app.inject({
      method: 'GET',
      url: '/v1/plans',
      headers: { origin: 'https://evil.test' },
    })
    expect(other.headers['access-control-allow-origin']).toBeUndefined()
    const pre = await t.app.inject({
      method: 'OPTIONS',
      url: '/v1/billing/checkout',
      headers: { origin: SHOP, 'access-control-request-method': 'POST' },
    })
    expect(pre.statusCode).toBe(204)
    expect(pre.headers['access-control-allow-origin']).toBe(SHOP)
    expect(pre.headers['access-control-allow-methods']).toContain('POST')
    // Admin routes never answer CORS.
    const admin = await t.app.inject({
      method: 'GET',
      url: '/v1/admin/plans',
      headers: { origin: SHOP, authorization: `Bearer ${t.adminKey}` },
    })
    expect(admin.headers['access-control-allow-origin']).toBeUndefined()
  })
})
