import Stripe from 'stripe'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { billingEvents, billingRetry, outboxList, planCreate, run } from '@tollgate/cli'
import { testContext, type TestContext } from './helpers/context.js'
import { startServer, type RunningServer } from './helpers/server.js'

// Billing and outbox commands against the real server, fed by a real signed Stripe webhook.
const WEBHOOK_SECRET = 'whsec_cli_test_secret'
let server: RunningServer
let t: TestContext
let eventId: string

type Obj = Record<string, unknown>
const items = (r: { data: unknown }): Obj[] => (r.data as { items: Obj[] }).items

beforeAll(async () => {
  server = await startServer({ env: { STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET } })
  t = testContext({ env: { TOLLGATE_URL: server.url, TOLLGATE_API_KEY: server.adminKey } })
  const plan = (
    await planCreate({ name: 'Pro', product: 'app', tier: 'pro', perpetual: true }, t.ctx)
  ).data as {
    id: string
  }
  const now = Math.floor(Date.now() / 1000)
  eventId = `evt_cli_${now}`
  const payload = JSON.stringify({
    id: eventId,
    object: 'event',
    api_version: '2026-10-28.endive',
    created: now,
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type: 'checkout.session.completed',
    data: {
      object: {
        id: 'cs_test_cli',
        object: 'checkout.session',
        mode: 'subscription',
        status: 'complete',
        payment_status: 'paid',
        customer: 'cus_cli_1',
        customer_details: { email: 'buyer@example.com', name: 'Buyer Inc' },
        metadata: { tollgate_plan_id: plan.id },
        subscription: 'sub_cli_1',
        created: now,
        livemode: false,
      },
    },
  })
  const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET })
  const res = await fetch(`${server.url}/v1/webhooks/stripe`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'stripe-signature': signature },
    body: payload,
  })
  expect(res.status, await res.clone().text()).toBe(200)
})

afterAll(async () => {
  await server?.close()
})

describe('billing and outbox commands', () => {
  it('outbox list shows the key delivery to the buyer, never the body', async () => {
    const messages = items(await outboxList({}, t.ctx))
    expect(messages).toHaveLength(1)
    expect(messages[0]).toMatchObject({ recipient: 'buyer@example.com', kind: 'license.issued' })
    expect(String(messages[0]!.licenseId)).toMatch(/^lic_/)
    expect(JSON.stringify(messages)).not.toContain('TG1-')
    expect(items(await outboxList({ status: 'failed' }, t.ctx))).toHaveLength(0)
  })

  it('billing events lists the webhook as processed; the table names it', async () => {
    const events = items(await billingEvents({}, t.ctx))
    expect(events.map((e) => e.stripeEventId)).toEqual([eventId])
    expect(events[0]!.status).toBe('processed')
    expect(await run(['billing', 'events'], t.ctx)).toBe(0)
    expect(t.stdout()).toContain(eventId)
    expect(t.stdout()).toMatch(/STRIPE EVENT\s+TYPE\s+STATUS/)
  })

  it('billing retry of a processed event is refused with the server code (exit 1)', async () => {
    await expect(billingRetry({ id: eventId }, t.ctx)).rejects.toMatchObject({ exitCode: 1 })
    expect(await run(['billing', 'retry', eventId], t.ctx)).toBe(1)
    expect(t.stderr()).toContain('BILLING_EVENT_NOT_RETRYABLE')
  })

  it('outbox list --json parses', async () => {
    const fresh = testContext({
      env: { TOLLGATE_URL: server.url, TOLLGATE_API_KEY: server.adminKey },
    })
    expect(await run(['outbox', 'list', '--json'], fresh.ctx)).toBe(0)
    const parsed = JSON.parse(fresh.stdout()) as { items: unknown[] }
    expect(parsed.items).toHaveLength(1)
  })
})
