import { decideState, decodeLicense } from '@tollgate/license-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../src/config/load-config.js'
import { billingConfig, checkoutSession, deliver, event, sid, unix } from './billing-fixtures.js'
import { DAY } from './helpers/clock.js'
import { POLICY, post, validate, type Obj } from './helpers/fixtures.js'
import { createTestApp, type TestApp } from './helpers/test-app.js'

let t: TestApp
let trialPlan: string
let proPlan: string
beforeAll(async () => {
  t = await createTestApp({
    config: {
      billing: billingConfig(),
      webhooks: { ...loadConfig({}).webhooks, intervalMs: 0, lifecycleIntervalMs: 0 },
    },
  })
  const base = { product: 'acme-app', policy: { ...POLICY, expiryGraceDays: 0 } }
  trialPlan = (
    await post(t, '/v1/admin/plans', {
      ...base,
      name: 'Trial',
      tier: 'trial',
      entitlements: ['sso'],
      policy: { ...base.policy, freeFeatures: ['viewer'] },
      trialDays: 14,
    })
  ).id
  proPlan = (
    await post(t, '/v1/admin/plans', {
      ...base,
      name: 'Pro',
      tier: 'pro',
      entitlements: ['sso', 'audit'],
      stripePriceId: 'price_pro_conv',
      durationDays: 30,
    })
  ).id
})
afterAll(() => t.close())

interface Issued {
  trial: Obj
  license: Obj & { expiresAt: string }
  token: string
}

async function buy(email: string, customer = sid('cus')) {
  const session = checkoutSession({
    subscription: sid('sub'),
    customer,
    email,
    planId: proPlan,
    created: unix(t),
  })
  const e = event('checkout.session.completed', session, unix(t))
  const res = await deliver(t, e)
  expect(res.statusCode, res.body).toBe(200)
  return { e, answer: res.json<{ status: string; note?: string }>() }
}

async function licensesOf(email: string) {
  return t.db
    .selectFrom('licenses')
    .innerJoin('customers', 'customers.id', 'licenses.customer_id')
    .selectAll('licenses')
    .where('customers.email', '=', email)
    .execute()
}

async function keyMailedTo(email: string): Promise<string> {
  const msgs = await t.db
    .selectFrom('outbox_messages')
    .select('body')
    .where('recipient', '=', email)
    .where('kind', 'like', 'license.%')
    .orderBy('id', 'desc')
    .execute()
  return /^(TG1-\S+)$/m.exec(msgs[0]!.body!)![1]!
}

describe('trial conversion through Stripe checkout', () => {
  it('upgrades the same license (same id, new token, paid plan, trial cleared) instead of a second one', async () => {
    const email = 'buyer@conv.test'
    const trial = await post<Issued>(t, '/v1/admin/trials', { planId: trialPlan, email })
    const act = await t.app.inject({
      method: 'POST',
      url: '/v1/deployments/activate',
      payload: {
        key: trial.token,
        deploymentId: 'dep_conv',
        fingerprint: { machineId: 'c'.repeat(32) },
      },
    })
    expect(act.statusCode).toBe(200)

    const { e, answer } = await buy(email)
    expect(answer.status).toBe('processed')
    const rows = await licensesOf(email)
    expect(rows).toHaveLength(1)
    const lic = rows[0]!
    expect(lic.id).toBe(trial.license.id)
    expect(lic.plan_id).toBe(proPlan)
    expect(lic.tier).toBe('pro')
    expect(lic.status).toBe('active')
    expect(lic.expires_at!.getTime()).toBeGreaterThan(new Date(trial.license.expiresAt).getTime())
    const row = await t.db
      .selectFrom('trials')
      .selectAll()
      .where('license_id', '=', lic.id)
      .executeTakeFirstOrThrow()
    expect(row.converted_at).not.toBeNull()
    const customers = await t.db
      .selectFrom('customers')
      .selectAll()
      .where('email', '=', email)
      .execute()
    expect(customers).toHaveLength(1)
    expect(customers[0]!.stripe_customer_id).toMatch(/^cus_/)

    const key = await keyMailedTo(email)
    expect(key).not.toBe(trial.token)
    const claims = decodeLicense(key).claims
    expect(claims.lid).toBe(trial.license.id)
    expect(claims.tier).toBe('pro')
    expect(claims.entitlements).toEqual(['sso', 'audit'])
    expect((await validate(t, key)).code).toBe('VALID')
    // The deployment stays attached to the license.
    const deps = await t.db
      .selectFrom('deployments')
      .select('license_id')
      .where('install_id', '=', 'dep_conv')
      .execute()
    expect(deps.map((d) => d.license_id)).toEqual([trial.license.id])

    const audit = await t.request('GET', `/v1/admin/audit?targetId=${lic.id}&limit=50`)
    const actions = audit.json<{ items: { action: string }[] }>().items.map((x) => x.action)
    expect(actions).toEqual(expect.arrayContaining(['trial.convert', 'license.plan_change']))

    // Stripe redelivers the event: nothing new.
    const again = await deliver(t, e)
    expect(again.json<{ status: string }>().status).not.toBe('failed')
    expect(await licensesOf(email)).toHaveLength(1)
  })

  it('an unconverted trial expires (client key EXPIRED); buying later revives the same license', async () => {
    const email = 'late@conv.test'
    const trial = await post<Issued>(t, '/v1/admin/trials', { planId: trialPlan, email })
    t.clock.advance(15 * DAY)
    expect(await t.app.webhooks.expire()).toContain(trial.license.id)
    expect((await validate(t, trial.token)).code).toBe('EXPIRED')
    // The client then shows `expired` with the plan's free features, signed in the key.
    const claims = decodeLicense(trial.token).claims
    expect(claims.policy.freeFeatures).toEqual(['viewer'])
    const state = decideState({
      claims,
      lease: null,
      revocations: null,
      trustedTime: 0,
      now: t.clock.now().getTime(),
      deploymentId: 'dep_x',
      serverConfigured: false,
      clockToleranceS: 3600,
    })
    expect([state.code, state.features]).toEqual(['expired', ['viewer']])

    await buy(email)
    const rows = await licensesOf(email)
    expect(rows.map((r) => [r.id, r.status, r.plan_id])).toEqual([
      [trial.license.id, 'active', proPlan],
    ])
    expect((await validate(t, await keyMailedTo(email))).code).toBe('VALID')
  })

  it('a buyer without a trial still gets a new license', async () => {
    await buy('fresh@conv.test')
    const rows = await licensesOf('fresh@conv.test')
    expect(rows).toHaveLength(1)
    expect(rows[0]!.plan_id).toBe(proPlan)
  })
})

describe('trial conversion through a one-time payment checkout (mode payment)', () => {
  async function pay(email: string) {
    const session = {
      ...checkoutSession({
        subscription: sid('sub'),
        customer: sid('cus'),
        email,
        planId: proPlan,
        created: unix(t),
      }),
      mode: 'payment',
      subscription: null,
      payment_intent: sid('pi'),
    }
    const e = event('checkout.session.completed', session, unix(t))
    const res = await deliver(t, e)
    expect(res.statusCode, res.body).toBe(200)
    return { e, answer: res.json<{ status: string; note?: string }>() }
  }

  async function converted(): Promise<number> {
    const text = (await t.app.inject({ method: 'GET', url: '/metrics' })).body
    const m = /^tollgate_trials_total\{event="converted"\} (\d+)/m.exec(text)
    return m ? Number(m[1]) : 0
  }

  it('upgrades the same license for the plan duration, mails a new key, counts it once, and a replay issues nothing', async () => {
    const email = 'once@conv.test'
    const trial = await post<Issued>(t, '/v1/admin/trials', { planId: trialPlan, email })
    const before = await converted()
    const { e, answer } = await pay(email)
    expect(answer).toMatchObject({ status: 'processed' })
    const rows = await licensesOf(email)
    expect(rows.map((r) => [r.id, r.plan_id, r.status])).toEqual([
      [trial.license.id, proPlan, 'active'],
    ])
    // Pro is a 30-day plan: the paid period runs from the payment, not from the trial.
    expect(rows[0]!.expires_at!.getTime()).toBe(t.clock.now().getTime() + 30 * DAY)
    expect(rows[0]!.metadata).toMatchObject({ oneTimePurchase: true })
    const trialRow = await t.db
      .selectFrom('trials')
      .select('converted_at')
      .where('license_id', '=', trial.license.id)
      .executeTakeFirstOrThrow()
    expect(trialRow.converted_at).not.toBeNull()
    const key = await keyMailedTo(email)
    expect(key).not.toBe(trial.token)
    expect(decodeLicense(key).claims).toMatchObject({ lid: trial.license.id, tier: 'pro' })
    expect((await validate(t, key)).code).toBe('VALID')
    expect(await converted()).toBe(before + 1)

    // Stripe redelivers, and the async-payment event names the same session: still one license.
    await deliver(t, e)
    await deliver(t, event('checkout.session.async_payment_succeeded', e.data.object, unix(t)))
    expect(await licensesOf(email)).toHaveLength(1)
    expect(await converted()).toBe(before + 1)
  })

  it('a buyer without a trial gets a new one-time license', async () => {
    await pay('oncefresh@conv.test')
    const rows = await licensesOf('oncefresh@conv.test')
    expect(rows.map((r) => r.plan_id)).toEqual([proPlan])
  })
})
