import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { post, seedLicense, type Obj } from './helpers/fixtures.js'
import { createTestApp, type TestApp } from './helpers/test-app.js'
import {
  billingConfig,
  checkoutSession,
  createPlan,
  DAY_S,
  deliver,
  event,
  invoice,
  sid,
  unix,
} from './billing-fixtures.js'

// Events written by paths other than the audited admin mutations: activation, usage, violations,
// Stripe payment failures.
let t: TestApp
beforeAll(async () => {
  t = await createTestApp({ config: { billing: billingConfig() } })
})
afterAll(() => t.close())

async function eventsOf(licenseId: string): Promise<(Obj & { type: string; data: Obj })[]> {
  const res = await t.request('GET', `/v1/admin/events?licenseId=${licenseId}&limit=200`)
  return res.json<{ items: (Obj & { type: string; data: Obj })[] }>().items.reverse()
}

const pub = (url: string, payload: object) => t.app.inject({ method: 'POST', url, payload })

describe('lifecycle events from the fleet and billing', () => {
  it('deployment.activated, usage.limit_reached (once a day), violation.created, deployment.deactivated', async () => {
    const { license, token } = await seedLicense(t, { license: { limits: { api_calls: 100 } } })
    const act = await pub('/v1/deployments/activate', { key: token, deploymentId: 'inst-1' })
    expect(act.statusCode, act.body).toBe(200)
    const day = t.clock.now().toISOString().slice(0, 10)
    const usage = (amount: number) =>
      pub('/v1/usage', {
        key: token,
        deploymentId: 'inst-1',
        batchId: randomUUID(),
        counters: [{ metric: 'api_calls', amount, period: day }],
      })
    expect((await usage(60)).statusCode).toBe(200)
    expect((await usage(60)).statusCode).toBe(200)
    expect((await usage(60)).statusCode).toBe(200)
    const viol = await pub('/v1/violations', {
      key: token,
      deploymentId: 'inst-1',
      kind: 'clock_tampering',
      details: { behindS: 90000 },
    })
    expect(viol.statusCode, viol.body).toBeLessThan(300)
    const deps = await t.request('GET', `/v1/admin/licenses/${license.id}/deployments`)
    const depId = deps.json<{ items: Obj[] }>().items[0]!.id
    await post(t, `/v1/admin/deployments/${depId}/deactivate`, {}, 200)

    const events = await eventsOf(license.id)
    expect(events.map((e) => e.type)).toEqual([
      'license.created',
      'deployment.activated',
      'usage.limit_reached',
      'violation.created',
      'deployment.deactivated',
    ])
    expect(events[2]!.data).toMatchObject({ metric: 'api_calls', amount: 120, limit: 100, day })
  })

  it('billing.payment_failed from a signed invoice.payment_failed', async () => {
    const planId = await createPlan(t, {
      tier: 'pro',
      price: 'price_ev',
      entitlements: [],
      limits: {},
    })
    const sub = sid('sub')
    const cus = sid('cus')
    const now = unix(t)
    const session = checkoutSession({
      subscription: sub,
      customer: cus,
      email: 'b@ev.test',
      planId,
      created: now,
    })
    expect((await deliver(t, event('checkout.session.completed', session, now))).statusCode).toBe(
      200,
    )
    const failed = invoice({
      subscription: sub,
      customer: cus,
      price: 'price_ev',
      status: 'open',
      periodStart: now,
      periodEnd: now + 30 * DAY_S,
      created: now + 1,
      attemptCount: 2,
    })
    const res = await deliver(t, event('invoice.payment_failed', failed, now + 1))
    expect(res.json<{ status: string }>().status).toBe('processed')
    const row = await t.db
      .selectFrom('billing_subscriptions')
      .select('license_id')
      .where('stripe_subscription_id', '=', sub)
      .executeTakeFirstOrThrow()
    const events = await eventsOf(row.license_id!)
    const pf = events.find((e) => e.type === 'billing.payment_failed')
    expect(pf?.data).toMatchObject({ subscriptionId: sub, attemptCount: 2, amountDue: 2000 })
  })
})
