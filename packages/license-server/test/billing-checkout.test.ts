import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Writable } from 'node:stream'
import Stripe from 'stripe'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../src/app.js'
import { TEST_DB_KIND } from './helpers/test-db.js'
import { createTestApp, TEST_MASTER_KEY, type TestApp } from './helpers/test-app.js'
import {
  billingConfig,
  checkoutSession,
  createPlan,
  deliver,
  event,
  sid,
  STRIPE_KEY,
  unix,
  WEBHOOK_SECRET,
} from './billing-fixtures.js'

/** What the fake Stripe received. */
interface Received {
  method: string
  path: string
  query: URLSearchParams
  headers: IncomingMessage['headers']
  form: URLSearchParams
}

/**
 * A local HTTP fake of the three Stripe endpoints billing calls. It answers with objects shaped
 * like Stripe's and records every request, so tests assert what Stripe would receive.
 */
function fakeStripe(): Promise<{
  server: Server
  port: number
  received: Received[]
  fail: { next?: number }
}> {
  const received: Received[] = []
  const fail: { next?: number } = {}
  const server = createServer((req, res) => {
    let raw = ''
    req.on('data', (c: Buffer) => (raw += c.toString('utf8')))
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake')
      const form = new URLSearchParams(raw)
      received.push({
        method: req.method ?? '',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        form,
      })
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json', 'request-id': sid('req') })
        res.end(JSON.stringify(body))
      }
      if (fail.next) {
        const status = fail.next
        delete fail.next
        return send(status, {
          error: {
            type: 'invalid_request_error',
            message: 'No such price: price_gone',
            param: 'line_items[0][price]',
          },
        })
      }
      if (req.method === 'POST' && url.pathname === '/v1/checkout/sessions') {
        const id = sid('cs_test')
        return send(200, {
          id,
          object: 'checkout.session',
          mode: form.get('mode'),
          status: 'open',
          payment_status: 'unpaid',
          url: `https://checkout.stripe.com/c/pay/${id}`,
          success_url: form.get('success_url'),
          cancel_url: form.get('cancel_url'),
          customer: null,
          customer_email: form.get('customer_email'),
          metadata: { tollgate_plan_id: form.get('metadata[tollgate_plan_id]') },
          subscription: null,
          livemode: false,
        })
      }
      if (req.method === 'POST' && url.pathname === '/v1/billing_portal/sessions') {
        return send(200, {
          id: sid('bps'),
          object: 'billing_portal.session',
          customer: form.get('customer'),
          return_url: form.get('return_url'),
          url: 'https://billing.stripe.com/p/session/test_YWNjdF8x',
          livemode: false,
        })
      }
      const items = /^\/v1\/checkout\/sessions\/([^/]+)\/line_items$/.exec(url.pathname)
      if (req.method === 'GET' && items) {
        return send(200, {
          object: 'list',
          data: [
            {
              id: sid('li'),
              object: 'item',
              quantity: 1,
              price: { id: 'price_fake_team', object: 'price', type: 'recurring' },
            },
          ],
          has_more: false,
          url: url.pathname,
        })
      }
      send(404, {
        error: {
          type: 'invalid_request_error',
          message: `Unrecognized request URL (${req.method}: ${url.pathname})`,
        },
      })
    })
  })
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, port: (server.address() as AddressInfo).port, received, fail }),
    ),
  )
}

let t: TestApp
let stripe: Awaited<ReturnType<typeof fakeStripe>>
let proPlan: string
let teamPlan: string
beforeAll(async () => {
  stripe = await fakeStripe()
  t = await createTestApp({
    config: {
      billing: billingConfig({
        stripeSecretKey: STRIPE_KEY,
        stripeApi: { host: '127.0.0.1', port: stripe.port, protocol: 'http' },
      }),
    },
  })
  proPlan = await createPlan(t, {
    tier: 'pro',
    price: 'price_fake_pro',
    entitlements: ['sso'],
    limits: { users: 10 },
  })
  teamPlan = await createPlan(t, {
    tier: 'team',
    price: 'price_fake_team',
    entitlements: ['sso', 'scim'],
    limits: { users: 100 },
  })
})
afterAll(async () => {
  await t.close()
  await new Promise((r) => stripe.server.close(r))
})

describe(`POST /v1/billing/checkout (${TEST_DB_KIND})`, () => {
  it('creates a subscription Checkout Session for the plan price and returns its URL', async () => {
    stripe.received.length = 0
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/billing/checkout',
      payload: { planId: proPlan, email: 'buyer@acme.test', quantity: 2 },
    })
    expect(res.statusCode).toBe(200)
    const out = res.json<{ id: string; url: string }>()
    expect(out.url).toBe(`https://checkout.stripe.com/c/pay/${out.id}`)

    expect(stripe.received).toHaveLength(1)
    const r = stripe.received[0]!
    expect(r).toMatchObject({ method: 'POST', path: '/v1/checkout/sessions' })
    expect(r.headers.authorization).toBe(`Bearer ${STRIPE_KEY}`)
    expect(r.headers['content-type']).toBe('application/x-www-form-urlencoded')
    expect(r.headers['stripe-version']).toBe(Stripe.API_VERSION)
    expect(r.headers['idempotency-key']).toBeTruthy()
    expect(Object.fromEntries(r.form)).toEqual({
      mode: 'subscription',
      'line_items[0][price]': 'price_fake_pro',
      'line_items[0][quantity]': '2',
      success_url: 'https://vendor.example/thanks?session={CHECKOUT_SESSION_ID}',
      cancel_url: 'https://vendor.example/pricing',
      customer_email: 'buyer@acme.test',
      client_reference_id: proPlan,
      'metadata[tollgate_plan_id]': proPlan,
      'metadata[tollgate_tenant_id]': t.tenantId,
      'subscription_data[metadata][tollgate_plan_id]': proPlan,
      'subscription_data[metadata][tollgate_tenant_id]': t.tenantId,
    })
  })

  it('a one-time plan (purchaseMode payment) creates a payment-mode session tagged on the payment', async () => {
    const plan = await t.request('POST', '/v1/admin/plans', {
      name: 'Lifetime',
      product: 'tollgate-app',
      tier: 'lifetime',
      entitlements: ['sso'],
      limits: { users: 5 },
      policy: {
        expiryGraceDays: 0,
        offlineGraceDays: 14,
        heartbeatIntervalS: 3600,
        maxDeployments: 3,
      },
      stripePriceId: 'price_fake_once',
      purchaseMode: 'payment',
    })
    expect(plan.statusCode, plan.body).toBe(201)
    const planId = plan.json<{ id: string }>().id
    stripe.received.length = 0
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/billing/checkout',
      payload: { planId, email: 'once@acme.test' },
    })
    expect(res.statusCode, res.body).toBe(200)
    expect(stripe.received).toHaveLength(1)
    const form = Object.fromEntries(stripe.received[0]!.form)
    expect(form).toMatchObject({
      mode: 'payment',
      'line_items[0][price]': 'price_fake_once',
      'line_items[0][quantity]': '1',
      customer_creation: 'always',
      customer_email: 'once@acme.test',
      'metadata[tollgate_plan_id]': planId,
      'payment_intent_data[metadata][tollgate_plan_id]': planId,
      'payment_intent_data[metadata][tollgate_tenant_id]': t.tenantId,
    })
    expect(Object.keys(form).some((k) => k.startsWith('subscription_data'))).toBe(false)
  })

  it('404 for an unknown plan, 409 PLAN_NOT_PURCHASABLE for a plan without a Stripe price, no Stripe call', async () => {
    stripe.received.length = 0
    const unknown = await t.app.inject({
      method: 'POST',
      url: '/v1/billing/checkout',
      payload: { planId: 'pln_000000000000nothere0000' },
    })
    expect(unknown.statusCode).toBe(404)
    const bare = await t.request('POST', '/v1/admin/plans', {
      name: 'manual',
      product: 'tollgate-app',
      tier: 'manual',
      entitlements: [],
      policy: {
        expiryGraceDays: 0,
        offlineGraceDays: 0,
        heartbeatIntervalS: 60,
        maxDeployments: 1,
      },
    })
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/billing/checkout',
      payload: { planId: bare.json<{ id: string }>().id },
    })
    expect(res.statusCode).toBe(409)
    expect(res.json<{ code: string }>().code).toBe('PLAN_NOT_PURCHASABLE')
    const bad = await t.app.inject({
      method: 'POST',
      url: '/v1/billing/checkout',
      payload: { planId: proPlan, extra: 1 },
    })
    expect(bad.statusCode).toBe(400)
    expect(stripe.received).toHaveLength(0)
  })

  it("a Stripe error answers 502 STRIPE_UNAVAILABLE with Stripe's message", async () => {
    stripe.fail.next = 400
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/billing/checkout',
      payload: { planId: proPlan },
    })
    expect(res.statusCode).toBe(502)
    expect(res.json()).toMatchObject({ code: 'STRIPE_UNAVAILABLE' })
    expect(res.json<{ error: string }>().error).toContain('No such price')
    expect(res.json<{ error: string }>().error).not.toContain(STRIPE_KEY)
  })
})

describe(`POST /v1/billing/portal (${TEST_DB_KIND})`, () => {
  it("creates a Customer Portal session for the license key's Stripe customer", async () => {
    const sub = sid('sub')
    const cus = sid('cus')
    await deliver(
      t,
      event(
        'checkout.session.completed',
        checkoutSession({
          subscription: sub,
          customer: cus,
          email: 'portal@acme.test',
          planId: proPlan,
          created: unix(t),
        }),
        unix(t),
      ),
    )
    const msg = await t.db
      .selectFrom('outbox_messages')
      .select('body')
      .where('recipient', '=', 'portal@acme.test')
      .executeTakeFirstOrThrow()
    const key = /^(TG1-\S+)$/m.exec(msg.body!)![1]!
    stripe.received.length = 0
    const res = await t.app.inject({ method: 'POST', url: '/v1/billing/portal', payload: { key } })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({ url: 'https://billing.stripe.com/p/session/test_YWNjdF8x' })
    const r = stripe.received[0]!
    expect(r).toMatchObject({ method: 'POST', path: '/v1/billing_portal/sessions' })
    expect(r.headers.authorization).toBe(`Bearer ${STRIPE_KEY}`)
    expect(Object.fromEntries(r.form)).toEqual({
      customer: cus,
      return_url: 'https://vendor.example/account',
    })
  })

  it('refuses a forged key (404) and a license without a Stripe customer (409)', async () => {
    stripe.received.length = 0
    const forged = await t.app.inject({
      method: 'POST',
      url: '/v1/billing/portal',
      payload: { key: 'TG1-eyJhbGciOiJFZERTQSJ9.e30.AAAA-00000000' },
    })
    expect(forged.statusCode).toBe(404)
    const cus = await t.request('POST', '/v1/admin/customers', {
      name: 'Manual Co',
      email: 'm@co.test',
    })
    const issued = await t.request('POST', '/v1/admin/licenses', {
      customerId: cus.json<{ id: string }>().id,
      planId: proPlan,
    })
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/billing/portal',
      payload: { key: issued.json<{ token: string }>().token },
    })
    expect(res.statusCode).toBe(409)
    expect(res.json<{ code: string }>().code).toBe('NO_STRIPE_CUSTOMER')
    expect(stripe.received).toHaveLength(0)
  })
})

describe(`checkout without Tollgate metadata (${TEST_DB_KIND})`, () => {
  it('reads the line items from Stripe to find the plan (Payment Links, Dashboard checkouts)', async () => {
    stripe.received.length = 0
    const sub = sid('sub')
    const session = checkoutSession({
      subscription: sub,
      customer: sid('cus'),
      email: 'link@acme.test',
      created: unix(t),
    })
    const res = await deliver(t, event('checkout.session.completed', session, unix(t)))
    expect(res.json<{ status: string }>().status).toBe('processed')
    const r = stripe.received[0]!
    expect(r.method).toBe('GET')
    expect(r.path).toBe(`/v1/checkout/sessions/${(session as { id: string }).id}/line_items`)
    expect(r.query.get('limit')).toBe('1')
    const link = await t.db
      .selectFrom('billing_subscriptions')
      .select('license_id')
      .where('stripe_subscription_id', '=', sub)
      .executeTakeFirstOrThrow()
    const lic = await t.db
      .selectFrom('licenses')
      .select('plan_id')
      .where('id', '=', link.license_id!)
      .executeTakeFirstOrThrow()
    expect(lic.plan_id).toBe(teamPlan)
  })
})

describe('secrets stay out of the logs', () => {
  it('logs neither the webhook secret nor the API key, at trace level', async () => {
    const lines: string[] = []
    const stream = new Writable({
      write(chunk: Buffer, _enc, cb) {
        lines.push(chunk.toString('utf8'))
        cb()
      },
    })
    const app = await buildApp({
      env: {},
      config: {
        masterKey: TEST_MASTER_KEY,
        dataDir: 'memory://',
        logLevel: 'trace',
        billing: billingConfig({
          stripeSecretKey: STRIPE_KEY,
          stripeApi: { host: '127.0.0.1', port: stripe.port, protocol: 'http' },
        }),
      },
      db: t.db,
      now: t.clock.now,
      logger: { level: 'trace', stream },
    })
    try {
      const e = event(
        'checkout.session.completed',
        checkoutSession({
          subscription: sid('sub'),
          customer: sid('cus'),
          email: 'log@acme.test',
          planId: proPlan,
          created: unix(t),
        }),
        unix(t),
      )
      expect((await deliver(t, e, { app })).statusCode).toBe(200)
      expect((await deliver(t, e, { app, secret: 'whsec_wrong' })).statusCode).toBe(400)
      stripe.fail.next = 400
      expect(
        (
          await app.inject({
            method: 'POST',
            url: '/v1/billing/checkout',
            payload: { planId: proPlan },
          })
        ).statusCode,
      ).toBe(502)
      expect(
        (
          await app.inject({
            method: 'POST',
            url: '/v1/billing/checkout',
            payload: { planId: proPlan },
          })
        ).statusCode,
      ).toBe(200)
      await app.billing.deliver()
    } finally {
      await app.close()
    }
    const text = lines.join('')
    expect(text.length).toBeGreaterThan(1000)
    expect(text).toContain('stripe event')
    expect(text).not.toContain(WEBHOOK_SECRET)
    expect(text).not.toContain(STRIPE_KEY)
    expect(text).not.toContain('TG1-') // license keys are not logged either
  })
})
