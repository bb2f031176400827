import { decodeLicense } from '@tollgate/license-client'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../src/app.js'
import { TEST_DB_KIND } from './helpers/test-db.js'
import { createTestApp, TEST_MASTER_KEY, type TestApp } from './helpers/test-app.js'
import {
  billingConfig,
  checkoutSession,
  createPlan,
  DAY_S,
  deliver,
  event,
  sid,
  unix,
  WEBHOOK_SECRET,
} from './billing-fixtures.js'

let t: TestApp
let proPlan: string
beforeAll(async () => {
  t = await createTestApp({ config: { billing: billingConfig() } })
  proPlan = await createPlan(t, {
    tier: 'pro',
    price: 'price_pro_monthly',
    entitlements: ['sso', 'audit'],
    limits: { users: 50 },
  })
})
afterAll(() => t.close())

async function licensesOf(subscriptionId: string) {
  return t.db
    .selectFrom('licenses')
    .selectAll()
    .where(sql<string>`metadata->>'stripeSubscriptionId'`, '=', subscriptionId)
    .execute()
}

function completed(o: { planId?: string; email?: string } = {}) {
  const sub = sid('sub')
  const cus = sid('cus')
  const e = event(
    'checkout.session.completed',
    checkoutSession({
      subscription: sub,
      customer: cus,
      email: o.email ?? 'buyer@acme.test',
      created: unix(t),
      ...(o.planId === undefined ? { planId: proPlan } : o.planId ? { planId: o.planId } : {}),
    }),
    unix(t),
  )
  return { e, sub, cus }
}

describe(`stripe webhook signature (${TEST_DB_KIND})`, () => {
  it('rejects a wrong signature with 400 and stores nothing', async () => {
    const { e } = completed()
    const res = await deliver(t, e, { secret: 'whsec_not_the_right_one' })
    expect(res.statusCode).toBe(400)
    expect(res.json()).toMatchObject({ code: 'WEBHOOK_SIGNATURE_INVALID', status: 400 })
    const stored = await t.db
      .selectFrom('billing_events')
      .select('id')
      .where('stripe_event_id', '=', e.id)
      .execute()
    expect(stored).toHaveLength(0)
  })

  it('rejects a body changed after signing (raw bytes are what is signed)', async () => {
    const { e } = completed()
    // Same JSON value, different bytes: a parser-then-restringify endpoint would accept this.
    const res = await deliver(t, e, { payload: JSON.stringify(e) })
    expect(res.statusCode).toBe(400)
    expect(res.json<{ code: string }>().code).toBe('WEBHOOK_SIGNATURE_INVALID')
  })

  it('rejects a missing header with 400', async () => {
    const { e } = completed()
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/webhooks/stripe',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify(e),
    })
    expect(res.statusCode).toBe(400)
    expect(res.json<{ code: string }>().code).toBe('WEBHOOK_SIGNATURE_INVALID')
  })

  it('rejects a correctly signed but stale timestamp (outside the 300 s tolerance) with 400', async () => {
    const { e } = completed()
    const res = await deliver(t, e, { timestamp: unix(t) - 301 })
    expect(res.statusCode).toBe(400)
    expect(res.json<{ code: string }>().code).toBe('WEBHOOK_TIMESTAMP_OUT_OF_TOLERANCE')
    const ok = await deliver(t, e, { timestamp: unix(t) - 299 })
    expect(ok.statusCode).toBe(200)
  })
})

describe(`checkout.session.completed (${TEST_DB_KIND})`, () => {
  it('creates the customer with its Stripe id, issues a license on the mapped plan and queues the key', async () => {
    const { e, sub, cus } = completed({ email: 'first@acme.test' })
    const res = await deliver(t, e)
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ received: true, eventId: e.id, status: 'processed' })

    const customer = await t.db
      .selectFrom('customers')
      .selectAll()
      .where('stripe_customer_id', '=', cus)
      .executeTakeFirstOrThrow()
    expect(customer).toMatchObject({ email: 'first@acme.test', name: 'Acme Corp' })
    const [license, ...more] = await licensesOf(sub)
    expect(more).toHaveLength(0)
    expect(license).toMatchObject({
      customer_id: customer.id,
      plan_id: proPlan,
      status: 'active',
      tier: 'pro',
    })
    expect(license!.entitlements).toEqual(['sso', 'audit'])

    const msgs = await t.db
      .selectFrom('outbox_messages')
      .selectAll()
      .where('license_id', '=', license!.id)
      .execute()
    expect(msgs).toHaveLength(1)
    expect(msgs[0]).toMatchObject({
      kind: 'license.issued',
      recipient: 'first@acme.test',
      status: 'pending',
    })
    const key = /^(TG1-\S+)$/m.exec(msgs[0]!.body!)![1]!
    expect(decodeLicense(key).claims).toMatchObject({
      lid: license!.id,
      tier: 'pro',
      entitlements: ['sso', 'audit'],
    })
    expect(msgs[0]!.body).toContain('TOLLGATE_LICENSE_KEY')

    const validate = await t.app.inject({
      method: 'POST',
      url: '/v1/licenses/validate',
      payload: { key },
    })
    expect(validate.json()).toMatchObject({ valid: true, code: 'VALID' })
  })

  it('waits for async_payment_succeeded when the checkout payment is still pending', async () => {
    const sub = sid('sub')
    const session = checkoutSession({
      subscription: sub,
      customer: sid('cus'),
      email: 'slow@acme.test',
      planId: proPlan,
      created: unix(t),
      paymentStatus: 'unpaid',
    })
    const pending = await deliver(t, event('checkout.session.completed', session, unix(t)))
    expect(pending.json<{ status: string }>().status).toBe('ignored')
    expect(await licensesOf(sub)).toHaveLength(0)
    const paid = { ...session, payment_status: 'paid' }
    const done = await deliver(
      t,
      event('checkout.session.async_payment_succeeded', paid, unix(t) + 60),
    )
    expect(done.json<{ status: string }>().status).toBe('processed')
    expect(await licensesOf(sub)).toHaveLength(1)
  })
})

describe(`idempotency on the event id (${TEST_DB_KIND})`, () => {
  it('the same event twice has one effect', async () => {
    const { e, sub } = completed()
    const first = await deliver(t, e)
    const second = await deliver(t, e)
    expect(first.json<{ status: string }>().status).toBe('processed')
    expect(second.statusCode).toBe(200)
    expect(second.json<{ status: string }>().status).toBe('duplicate')
    expect(await licensesOf(sub)).toHaveLength(1)
    const row = await t.db
      .selectFrom('billing_events')
      .selectAll()
      .where('stripe_event_id', '=', e.id)
      .executeTakeFirstOrThrow()
    expect(row).toMatchObject({ status: 'processed', attempts: 1 })
    const metric = await t.app.tollgate.metrics.registry.getSingleMetricAsString(
      'tollgate_billing_events_total',
    )
    expect(metric).toMatch(/type="checkout.session.completed",outcome="duplicate"} [1-9]/)
  })

  it('two different events for the same checkout (completed + async_payment_succeeded) issue one license', async () => {
    const { e, sub } = completed()
    const again = event('checkout.session.async_payment_succeeded', e.data.object, e.created + 1)
    await deliver(t, e)
    const res = await deliver(t, again)
    expect(res.json<{ status: string }>().status).toBe('ignored')
    expect(await licensesOf(sub)).toHaveLength(1)
  })

  it('the same event delivered concurrently (8 at once, across two app instances) has one effect', async () => {
    // A second server instance on the same database, as behind a load balancer.
    const other = await buildApp({
      env: {},
      config: {
        masterKey: TEST_MASTER_KEY,
        dataDir: 'memory://',
        logLevel: 'silent',
        billing: billingConfig(),
      },
      db: t.db,
      now: t.clock.now,
      logger: false,
    })
    try {
      const { e, sub } = completed()
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) => deliver(t, e, i % 2 ? { app: other } : {})),
      )
      const statuses = results.map((r) =>
        r.statusCode === 200
          ? r.json<{ status: string }>().status
          : r.json<{ code: string }>().code,
      )
      expect(statuses.filter((s) => s === 'processed')).toHaveLength(1)
      // The rest saw it finished (200 duplicate) or locked (409, which Stripe retries).
      expect(
        statuses.every((s) => ['processed', 'duplicate', 'BILLING_EVENT_IN_PROGRESS'].includes(s)),
      ).toBe(true)
      expect(await licensesOf(sub)).toHaveLength(1)
      const customers = await t.db
        .selectFrom('customers')
        .select('id')
        .where('stripe_customer_id', '=', (e.data.object as { customer: string }).customer)
        .execute()
      expect(customers).toHaveLength(1)
      const row = await t.db
        .selectFrom('billing_events')
        .selectAll()
        .where('stripe_event_id', '=', e.id)
        .executeTakeFirstOrThrow()
      expect(row).toMatchObject({ status: 'processed', attempts: 1 })
      const redelivery = await deliver(t, e)
      expect(redelivery.json<{ status: string }>().status).toBe('duplicate')
    } finally {
      await other.close()
    }
  })
})

describe(`handler failure and retry (${TEST_DB_KIND})`, () => {
  it('a failing handler leaves no partial writes, answers 500, stays retryable, and the admin retry succeeds', async () => {
    // A checkout for a price no plan maps to (no metadata, no Stripe client to ask).
    const { e, sub } = completed({ planId: '' })
    ;(e.data.object as { line_items?: unknown }).line_items = undefined
    const res = await deliver(t, e)
    expect(res.statusCode).toBe(500)
    expect(res.json<{ code: string }>().code).toBe('BILLING_EVENT_FAILED')
    const failed = await t.db
      .selectFrom('billing_events')
      .selectAll()
      .where('stripe_event_id', '=', e.id)
      .executeTakeFirstOrThrow()
    expect(failed).toMatchObject({ status: 'failed', attempts: 1 })
    expect(failed.error).toContain('BILLING_PLAN_NOT_FOUND')
    // The savepoint rollback undid the handler's writes (its subscription row).
    const subs = await t.db
      .selectFrom('billing_subscriptions')
      .select('stripe_subscription_id')
      .where('stripe_subscription_id', '=', sub)
      .execute()
    expect(subs).toHaveLength(0)

    // Stripe's redelivery of a failed event runs it again (and fails again: still unmapped).
    const redelivered = await deliver(t, e)
    expect(redelivered.statusCode).toBe(500)

    const list = await t.request('GET', '/v1/admin/billing/events?status=failed')
    expect(list.statusCode).toBe(200)
    const listed = list.json<{
      items: { stripeEventId: string; status: string; attempts: number; error: string }[]
    }>().items
    expect(listed.find((i) => i.stripeEventId === e.id)).toMatchObject({
      status: 'failed',
      attempts: 2,
    })

    // The vendor fixes the mapping: a session with metadata naming the plan would have worked;
    // here the subscription's price arrives and the plan is mapped by price.
    const subUpdated = event(
      'customer.subscription.created',
      {
        id: sub,
        object: 'subscription',
        status: 'active',
        customer: (e.data.object as { customer: string }).customer,
        cancel_at_period_end: false,
        canceled_at: null,
        items: {
          object: 'list',
          data: [
            {
              id: 'si_x',
              object: 'subscription_item',
              current_period_start: unix(t),
              current_period_end: unix(t) + 30 * DAY_S,
              price: { id: 'price_pro_monthly', object: 'price' },
              quantity: 1,
            },
          ],
        },
        metadata: {},
      },
      e.created,
    )
    expect((await deliver(t, subUpdated)).statusCode).toBe(200)

    const retry = await t.request('POST', `/v1/admin/billing/events/${e.id}/retry`)
    expect(retry.statusCode).toBe(200)
    expect(retry.json()).toMatchObject({
      stripeEventId: e.id,
      status: 'processed',
      attempts: 3,
      error: null,
    })
    const [license] = await licensesOf(sub)
    expect(license).toMatchObject({ plan_id: proPlan, status: 'active' })
    // Its expiry is the subscription's period end, known from the snapshot.
    expect(license!.expires_at!.getTime()).toBe((unix(t) + 30 * DAY_S) * 1000)

    const again = await t.request('POST', `/v1/admin/billing/events/${e.id}/retry`)
    expect(again.statusCode).toBe(409)
    expect(again.json<{ code: string }>().code).toBe('BILLING_EVENT_NOT_RETRYABLE')
    expect((await deliver(t, e)).json<{ status: string }>().status).toBe('duplicate')
  })

  it('stores and ignores event types it does not handle; admin reads the payload', async () => {
    const e = event(
      'customer.updated',
      { id: sid('cus'), object: 'customer', email: 'x@y.test' },
      unix(t),
    )
    const res = await deliver(t, e)
    expect(res.json<{ status: string }>().status).toBe('ignored')
    const one = await t.request('GET', `/v1/admin/billing/events/${e.id}`)
    expect(one.json()).toMatchObject({
      type: 'customer.updated',
      status: 'ignored',
      note: 'event type not handled',
    })
    expect(one.json<{ payload: unknown }>().payload).toMatchObject({
      id: e.id,
      type: 'customer.updated',
    })
  })

  it('billing admin routes need billing scopes', async () => {
    const key = await t.request('POST', '/v1/admin/api-keys', {
      name: 'ro',
      scopes: ['licenses:read'],
    })
    const secret = key.json<{ secret: string }>().secret
    expect((await t.request('GET', '/v1/admin/billing/events', undefined, secret)).statusCode).toBe(
      403,
    )
    expect((await t.request('GET', '/v1/admin/outbox', undefined, secret)).statusCode).toBe(403)
  })

  it('answers 503 BILLING_NOT_CONFIGURED without a webhook secret', async () => {
    const bare = await buildApp({
      env: {},
      config: {
        masterKey: TEST_MASTER_KEY,
        dataDir: 'memory://',
        logLevel: 'silent',
        billing: billingConfig({ stripeWebhookSecret: undefined }),
      },
      db: t.db,
      now: t.clock.now,
      logger: false,
    })
    try {
      const { e } = completed()
      const res = await deliver(t, e, { app: bare })
      expect(res.statusCode).toBe(503)
      expect(res.json<{ code: string }>().code).toBe('BILLING_NOT_CONFIGURED')
    } finally {
      await bare.close()
    }
    expect(WEBHOOK_SECRET).toMatch(/^whsec_/)
  })
})
