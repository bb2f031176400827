import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../src/config/load-config.js'
import { DAY } from './helpers/clock.js'
import { POLICY, post, type Obj } from './helpers/fixtures.js'
import { createTestApp, type TestApp } from './helpers/test-app.js'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp({
    config: { webhooks: { ...loadConfig({}).webhooks, intervalMs: 0, lifecycleIntervalMs: 0 } },
  })
})
afterAll(() => t.close())

interface Issued {
  trial: Obj
  license: Obj & { expiresAt: string; status: string }
  token: string
}

let n = 0
async function trialPlan(extra: Record<string, unknown> = {}): Promise<Obj> {
  n += 1
  return post(t, '/v1/admin/plans', {
    name: `Trial ${n}`,
    product: 'acme-app',
    tier: 'trial',
    entitlements: ['sso'],
    policy: POLICY,
    trialDays: 14,
    ...extra,
  })
}

function activate(token: string, installId: string, machineId?: string) {
  return t.app.inject({
    method: 'POST',
    url: '/v1/deployments/activate',
    payload: {
      key: token,
      deploymentId: installId,
      ...(machineId ? { fingerprint: { machineId, hostname: 'box' } } : {}),
    },
  })
}

async function outboxTo(recipient: string, kind: string) {
  return t.db
    .selectFrom('outbox_messages')
    .selectAll()
    .where('recipient', '=', recipient)
    .where('kind', '=', kind)
    .orderBy('id')
    .execute()
}

/** `tollgate_trial_refusals_total` by reason, from the app's /metrics. */
async function refusals(): Promise<Record<string, number>> {
  const text = (await t.app.inject({ method: 'GET', url: '/metrics' })).body
  const out: Record<string, number> = {}
  for (const m of text.matchAll(/^tollgate_trial_refusals_total\{reason="(\w+)"\} (\d+)$/gm)) {
    out[m[1]!] = Number(m[2])
  }
  return out
}

describe('trial plans issued by staff', () => {
  it('issues a trial that ends after trialDays, audited; refuses a second one per email and per customer', async () => {
    const plan = await trialPlan()
    expect(plan.trialDays).toBe(14)
    const r = await post<Issued>(t, '/v1/admin/trials', { planId: plan.id, email: 'Dev@One.test' })
    expect(r.trial.email).toBe('dev@one.test')
    expect(r.trial.source).toBe('staff')
    expect(r.license.status).toBe('active')
    expect(new Date(r.license.expiresAt).getTime()).toBe(t.clock.now().getTime() + 14 * DAY)
    expect(r.token).toMatch(/^TG1-/)

    const again = await t.request('POST', '/v1/admin/trials', {
      planId: plan.id,
      email: 'dev@one.TEST',
    })
    expect(again.statusCode).toBe(409)
    expect(again.json()).toMatchObject({ code: 'TRIAL_ALREADY_USED', status: 409 })
    const byCustomer = await t.request('POST', '/v1/admin/trials', {
      planId: plan.id,
      customerId: r.trial.customerId,
    })
    expect(byCustomer.json<Obj>().code).toBe('TRIAL_ALREADY_USED')
    // Another customer, the same email: refused for the email.
    const other = await post(t, '/v1/admin/customers', { name: 'Other Co' })
    const byEmail = await t.request('POST', '/v1/admin/trials', {
      planId: plan.id,
      customerId: other.id,
      email: 'dev@one.test',
    })
    expect(byEmail.json<Obj>().code).toBe('TRIAL_ALREADY_USED')
    expect(await refusals()).toMatchObject({ customer: 2, email: 1 })

    const audit = await t.request('GET', `/v1/admin/audit?targetId=${r.license.id}&limit=50`)
    const actions = audit.json<{ items: { action: string }[] }>().items.map((e) => e.action)
    expect(actions).toEqual(expect.arrayContaining(['license.issue', 'trial.issue']))
  })

  it('refuses a plan without trialDays and bad emails with typed codes', async () => {
    const paid = await post(t, '/v1/admin/plans', {
      name: 'Paid',
      product: 'acme-app',
      tier: 'pro',
      entitlements: [],
      policy: POLICY,
    })
    const res = await t.request('POST', '/v1/admin/trials', { planId: paid.id, email: 'a@b.test' })
    expect(res.json()).toMatchObject({ code: 'NOT_A_TRIAL_PLAN', status: 400 })
    const plan = await trialPlan()
    for (const email of ['no-at-sign', 'x\u0000y@z.test', `${'a'.repeat(250)}@b.test`]) {
      const bad = await t.request('POST', '/v1/admin/trials', { planId: plan.id, email })
      expect(bad.statusCode, email).toBe(400)
      expect(bad.json<Obj>().code).toBe('VALIDATION_FAILED')
    }
    const none = await t.request('POST', '/v1/admin/trials', { planId: plan.id })
    expect(none.json<Obj>().code).toBe('VALIDATION_FAILED')
  })

  it('another tenant cannot issue on this tenant plan', async () => {
    const plan = await trialPlan()
    const other = await t.addTenant('Other')
    const res = await t.request(
      'POST',
      '/v1/admin/trials',
      { planId: plan.id, email: 'x@other.test' },
      other.adminKey,
    )
    expect(res.json()).toMatchObject({ code: 'NOT_FOUND', status: 404 })
  })
})

describe('one trial per machine', () => {
  it('refuses a second trial license on a machine, while reinstalling the first keeps working', async () => {
    const plan = await trialPlan()
    const a = await post<Issued>(t, '/v1/admin/trials', { planId: plan.id, email: 'a@m.test' })
    const b = await post<Issued>(t, '/v1/admin/trials', { planId: plan.id, email: 'b@m.test' })
    const machine = 'f'.repeat(32)
    expect((await activate(a.token, 'dep_first', machine)).statusCode).toBe(200)
    // Reinstalled (new storage dir, new install id) on the same machine: same trial, allowed.
    expect((await activate(a.token, 'dep_reinstalled', machine)).statusCode).toBe(200)
    // A fresh trial (another email) on the same machine: refused, no seat taken.
    const second = await activate(b.token, 'dep_other', machine)
    expect(second.statusCode).toBe(409)
    expect(second.json()).toMatchObject({ code: 'TRIAL_ALREADY_USED' })
    expect((await refusals()).machine).toBe(1)
    const seats = await t.db
      .selectFrom('deployments')
      .select('id')
      .where('license_id', '=', b.license.id)
      .execute()
    expect(seats).toHaveLength(0)
    // The second trial works on another machine; a paid license works on the first one.
    expect((await activate(b.token, 'dep_other', 'e'.repeat(32))).statusCode).toBe(200)
    const stored = await t.db.selectFrom('trial_machines').selectAll().execute()
    expect(stored.map((r) => r.fingerprint_hash)).not.toContain(machine)
  })
})

describe('self-service trials', () => {
  it('are off by default, then email a code through the outbox that trades once for a trial key', async () => {
    const off = await t.app.inject({
      method: 'POST',
      url: '/v1/trials/request',
      payload: { email: 'self@serve.test' },
    })
    expect(off.json()).toMatchObject({ code: 'TRIALS_DISABLED', status: 404 })
    const plan = await trialPlan()
    const set = await t.request('PUT', '/v1/admin/trials/settings', { selfServicePlanId: plan.id })
    expect(set.statusCode).toBe(200)
    const paid = await post(t, '/v1/admin/plans', {
      name: 'Not a trial',
      product: 'acme-app',
      tier: 'pro',
      entitlements: [],
      policy: POLICY,
    })
    const refused = await t.request('PUT', '/v1/admin/trials/settings', {
      selfServicePlanId: paid.id,
    })
    expect(refused.json<Obj>().code).toBe('NOT_A_TRIAL_PLAN')

    const req = await t.app.inject({
      method: 'POST',
      url: '/v1/trials/request',
      payload: { email: 'Self@Serve.test' },
    })
    expect(req.statusCode).toBe(202)
    const [msg] = await outboxTo('self@serve.test', 'trial.code')
    const code = /\b(\d{6})\b/.exec(msg!.body!)![1]!
    expect(msg!.subject).not.toContain(code)
    const stored = await t.db.selectFrom('trial_signup_codes').selectAll().execute()
    expect(JSON.stringify(stored)).not.toContain(code)

    const wrong = code === '000000' ? '111111' : '000000'
    const bad = await t.app.inject({
      method: 'POST',
      url: '/v1/trials/confirm',
      payload: { email: 'self@serve.test', code: wrong },
    })
    expect(bad.json()).toMatchObject({ code: 'TRIAL_CODE_INVALID', status: 400 })
    const ok = await t.app.inject({
      method: 'POST',
      url: '/v1/trials/confirm',
      payload: { email: 'self@serve.test', code },
    })
    expect(ok.statusCode, ok.body).toBe(201)
    const issued = ok.json<Issued>()
    expect(issued.trial.source).toBe('self_service')
    expect(issued.license.status).toBe('active')
    const replay = await t.app.inject({
      method: 'POST',
      url: '/v1/trials/confirm',
      payload: { email: 'self@serve.test', code },
    })
    expect(replay.json<Obj>().code).toBe('TRIAL_CODE_INVALID')

    // A second sign-up of the same email: a code is sent as for anyone, the trial is refused.
    await t.app.inject({
      method: 'POST',
      url: '/v1/trials/request',
      payload: { email: 'self@serve.test' },
    })
    const msgs = await outboxTo('self@serve.test', 'trial.code')
    const code2 = /\b(\d{6})\b/.exec(msgs[1]!.body!)![1]!
    const twice = await t.app.inject({
      method: 'POST',
      url: '/v1/trials/confirm',
      payload: { email: 'self@serve.test', code: code2 },
    })
    expect(twice.json<Obj>().code).toBe('TRIAL_ALREADY_USED')
  })

  it('answer the same for every address, limit codes per email and burn a code after 5 wrong tries', async () => {
    const plan = await trialPlan()
    await t.request('PUT', '/v1/admin/trials/settings', { selfServicePlanId: plan.id })
    await post(t, '/v1/admin/customers', { name: 'Known', email: 'known@co.test' })
    const known = await t.app.inject({
      method: 'POST',
      url: '/v1/trials/request',
      payload: { email: 'known@co.test' },
    })
    const unknown = await t.app.inject({
      method: 'POST',
      url: '/v1/trials/request',
      payload: { email: 'nobody@co.test' },
    })
    expect([known.statusCode, known.body]).toEqual([unknown.statusCode, unknown.body])

    for (let i = 0; i < 4; i++) {
      await t.app.inject({
        method: 'POST',
        url: '/v1/trials/request',
        payload: { email: 'spam@co.test' },
      })
    }
    expect(await outboxTo('spam@co.test', 'trial.code')).toHaveLength(3)

    const [msg] = await outboxTo('nobody@co.test', 'trial.code')
    const code = /\b(\d{6})\b/.exec(msg!.body!)![1]!
    const wrong = code === '000000' ? '111111' : '000000'
    for (let i = 0; i < 5; i++) {
      const r = await t.app.inject({
        method: 'POST',
        url: '/v1/trials/confirm',
        payload: { email: 'nobody@co.test', code: wrong },
      })
      expect(r.json<Obj>().code).toBe('TRIAL_CODE_INVALID')
    }
    const late = await t.app.inject({
      method: 'POST',
      url: '/v1/trials/confirm',
      payload: { email: 'nobody@co.test', code },
    })
    expect(late.json<Obj>().code).toBe('TRIAL_CODE_INVALID')
    for (const payload of [{ email: null, code: '1' }, { email: 'a@b.test', code: null }, {}]) {
      const r = await t.app.inject({ method: 'POST', url: '/v1/trials/confirm', payload })
      expect(r.statusCode).toBe(400)
    }
  })
})

describe('trial reminders', () => {
  it('remind the customer before the trial ends with a trial_end message, once', async () => {
    const plan = await trialPlan({ reminderDays: [3] })
    const r = await post<Issued>(t, '/v1/admin/trials', { planId: plan.id, email: 'soon@end.test' })
    t.clock.advance(12 * DAY)
    await t.app.webhooks.remind()
    await t.app.webhooks.remind()
    const sent = await outboxTo('soon@end.test', 'reminder.trial_end')
    expect(sent).toHaveLength(1)
    expect(sent[0]!.license_id).toBe(r.license.id)
    expect(sent[0]!.subject).toContain('trial')
  })
})

describe('trials list (GET /v1/admin/trials)', () => {
  it('lists newest first with status and customer filters, keyset pages, and only this tenant', async () => {
    const plan = await trialPlan()
    const a = await post<Issued>(t, '/v1/admin/trials', { planId: plan.id, email: 'l1@list.test' })
    const b = await post<Issued>(t, '/v1/admin/trials', { planId: plan.id, email: 'l2@list.test' })
    type Page = { items: { id: string; status: string; customerId: string }[]; next: string | null }
    const list = async (qs: string): Promise<Page> => {
      const res = await t.request('GET', `/v1/admin/trials?${qs}`)
      expect(res.statusCode, res.body).toBe(200)
      return res.json<Page>()
    }
    const first = await list('limit=1')
    expect(first.items.map((i) => i.id)).toEqual([b.trial.id])
    expect(first.next).toBe(b.trial.id)
    const second = await list(`limit=1&before=${first.next}`)
    expect(second.items.map((i) => i.id)).toEqual([a.trial.id])
    const mine = await list(`customerId=${String(a.trial.customerId)}`)
    expect(mine.items.map((i) => [i.id, i.status])).toEqual([[a.trial.id, 'active']])

    t.clock.advance(15 * DAY)
    const expired = await list('status=expired&limit=200')
    expect(expired.items.map((i) => i.id)).toEqual(expect.arrayContaining([a.trial.id, b.trial.id]))
    expect((await list('status=active')).items).toEqual([])

    const bad = await t.request('GET', '/v1/admin/trials?status=paused')
    expect(bad.json()).toMatchObject({ code: 'VALIDATION_FAILED', status: 400 })
    const other = await t.addTenant('Lister')
    const theirs = await t.request('GET', '/v1/admin/trials', undefined, other.adminKey)
    expect(theirs.json<Page>().items).toEqual([])
  })
})
