import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { newId } from '../src/lib/ids.js'
import { createStaff, signInStaff, type TestStaff } from './helpers/console-support.js'
import { seedLicense, type Obj } from './helpers/fixtures.js'
import { createTestApp, type TestApp } from './helpers/test-app.js'

const PLAN_FORM = {
  name: 'Team',
  product: 'acme-app',
  tier: 'team',
  entitlements: 'sso, audit',
  limits: 'users=20, projects=5',
  policy: JSON.stringify({
    expiryGraceDays: 3,
    offlineGraceDays: 10,
    heartbeatIntervalS: 600,
    maxDeployments: 2,
  }),
  durationDays: '30',
  stripePriceId: 'price_team',
  pastDueGraceDays: '5',
  cancelBehavior: 'expire_at_period_end',
  reminderDays: '14, 3',
  purchaseMode: 'subscription',
  downgradePlanId: '',
  public: 'yes',
}

describe('console admin actions (app.inject)', () => {
  let t: TestApp
  let owner: TestStaff
  let sales: TestStaff
  let support: TestStaff
  let readOnly: TestStaff
  let customer: Obj
  let plan: Obj
  const auditOf = (action: string, actor: string) =>
    t.db
      .selectFrom('audit_log')
      .select(['target_id'])
      .where('action', '=', action)
      .where('actor', '=', actor)
      .execute()
  beforeAll(async () => {
    t = await createTestApp()
    owner = await createStaff(t, 'owner')
    sales = await createStaff(t, 'sales')
    support = await createStaff(t, 'support')
    readOnly = await createStaff(t, 'read-only')
    const seeded = await seedLicense(t)
    customer = seeded.customer
    plan = seeded.plan
  })
  afterAll(() => t.close())

  it('sales edits a customer (bad email is a message, nothing written); read-only cannot', async () => {
    const b = await signInStaff(t, sales)
    const form = await b.get(`/console/customers/${customer.id}/edit`)
    expect(form.statusCode).toBe(200)
    const csrf = b.csrf(form.body)
    const bad = await b.post(`/console/customers/${customer.id}/edit`, {
      name: 'Acme Renamed',
      email: 'not-an-email',
      _csrf: csrf,
    })
    expect(bad.statusCode).toBe(400)
    expect(bad.body).toContain('Email must be an email address')
    const ok = await b.post(`/console/customers/${customer.id}/edit`, {
      name: 'Acme <Renamed>',
      email: 'new@acme.test',
      externalId: 'crm-42',
      _csrf: csrf,
    })
    expect(ok.statusCode).toBe(303)
    const row = await t.db
      .selectFrom('customers')
      .selectAll()
      .where('id', '=', String(customer.id))
      .executeTakeFirstOrThrow()
    expect(row).toMatchObject({
      name: 'Acme <Renamed>',
      email: 'new@acme.test',
      external_id: 'crm-42',
    })
    expect(await auditOf('customer.update', `staff:${sales.id}`)).toHaveLength(1)
    const detail = await b.get(`/console/customers/${customer.id}`)
    expect(detail.body).toContain('Acme &lt;Renamed&gt;')

    const r = await signInStaff(t, readOnly)
    const rc = r.csrf((await r.get('/console/customers')).body)
    expect((await r.get(`/console/customers/${customer.id}/edit`)).statusCode).toBe(403)
    expect(
      (await r.post(`/console/customers/${customer.id}/edit`, { name: 'x', _csrf: rc })).statusCode,
    ).toBe(403)
  })

  it('an owner creates and edits a plan with every API field; bad input is a message per field', async () => {
    const b = await signInStaff(t, owner)
    const csrf = b.csrf((await b.get('/console/plans/new')).body)
    const before = await t.db.selectFrom('plans').select('id').execute()
    const bad = await b.post('/console/plans/new', {
      ...PLAN_FORM,
      policy: '{not json',
      limits: 'users=-1',
      cancelBehavior: 'explode',
      _csrf: csrf,
    })
    expect(bad.statusCode).toBe(400)
    expect(bad.body).toContain('Policy must be JSON')
    expect(bad.body).toContain('Limits (name=number, comma-separated):')
    expect(bad.body).toContain('On cancel:')
    expect(await t.db.selectFrom('plans').select('id').execute()).toHaveLength(before.length)
    const ok = await b.post('/console/plans/new', { ...PLAN_FORM, _csrf: csrf })
    expect(ok.statusCode, ok.body.slice(0, 800)).toBe(303)
    const id = String(ok.headers.location).split('/').pop()!
    const api = (await t.request('GET', `/v1/admin/plans/${id}`)).json<Record<string, unknown>>()
    expect(api).toMatchObject({
      name: 'Team',
      entitlements: ['sso', 'audit'],
      limits: { users: 20, projects: 5 },
      policy: { maxDeployments: 2, heartbeatIntervalS: 600 },
      durationDays: 30,
      stripePriceId: 'price_team',
      pastDueGraceDays: 5,
      cancelBehavior: 'expire_at_period_end',
      reminderDays: [14, 3],
      public: true,
    })
    const edited = await b.post(`/console/plans/${id}`, {
      ...PLAN_FORM,
      name: 'Team 2',
      durationDays: '',
      public: '',
      _csrf: csrf,
    })
    expect(edited.statusCode).toBe(303)
    expect((await t.request('GET', `/v1/admin/plans/${id}`)).json()).toMatchObject({
      name: 'Team 2',
      durationDays: null,
      public: false,
    })
    expect(await auditOf('plan.create', `staff:${owner.id}`)).toHaveLength(1)
    expect(await auditOf('plan.update', `staff:${owner.id}`)).toHaveLength(1)

    const s = await signInStaff(t, sales)
    const sc = s.csrf((await s.get(`/console/plans/${plan.id}`)).body)
    expect((await s.post('/console/plans/new', { ...PLAN_FORM, _csrf: sc })).statusCode).toBe(403)
    expect(
      (await s.post(`/console/plans/${plan.id}`, { ...PLAN_FORM, _csrf: sc })).statusCode,
    ).toBe(403)
  })

  it('creates an API key (secret shown once, works on the API) and revokes it; support cannot', async () => {
    const b = await signInStaff(t, owner)
    const keys = await b.get('/console/keys')
    const csrf = b.csrf(keys.body)
    const noScope = await b.post('/console/keys/api', { name: 'ci', _csrf: csrf })
    expect(noScope.statusCode).toBe(400)
    expect(noScope.body).toContain('Pick at least one scope')
    const created = await t.app.inject({
      method: 'POST',
      url: '/console/keys/api',
      headers: {
        cookie: b.cookie,
        origin: 'http://localhost',
        'content-type': 'application/x-www-form-urlencoded',
      },
      payload: `name=ci&scopes=licenses%3Aread&scopes=customers%3Aread&_csrf=${encodeURIComponent(csrf)}`,
    })
    expect(created.statusCode, created.body.slice(0, 500)).toBe(201)
    const secret = /data-testid="api-key-secret">([^<]+)</.exec(created.body)![1]!.trim()
    expect((await t.request('GET', '/v1/admin/licenses', undefined, secret)).statusCode).toBe(200)
    expect((await t.request('GET', '/v1/admin/api-keys', undefined, secret)).statusCode).toBe(403)
    const row = await t.db
      .selectFrom('api_keys')
      .selectAll()
      .where('name', '=', 'ci')
      .executeTakeFirstOrThrow()
    expect(row.created_by).toBe(`staff:${owner.id}`)
    expect(row.scopes).toEqual(['licenses:read', 'customers:read'])
    expect((await b.get('/console/keys')).body).not.toContain(secret)

    const s = await signInStaff(t, support)
    const sc = s.csrf((await s.get('/console/licenses')).body)
    expect((await s.get('/console/keys')).statusCode).toBe(403)
    expect((await s.post(`/console/keys/api/${row.id}/revoke`, { _csrf: sc })).statusCode).toBe(403)
    expect((await t.request('GET', '/v1/admin/licenses', undefined, secret)).statusCode).toBe(200)

    const revoked = await b.post(`/console/keys/api/${row.id}/revoke`, { _csrf: csrf })
    expect(revoked.statusCode).toBe(303)
    expect((await t.request('GET', '/v1/admin/licenses', undefined, secret)).statusCode).toBe(401)
    expect(await auditOf('api_key.revoke', `staff:${owner.id}`)).toHaveLength(1)
  })

  it('lists failed outbox messages first with a retry that requeues them (billing:write only)', async () => {
    const at = t.clock.now()
    const id = newId('msg')
    await t.db
      .insertInto('outbox_messages')
      .values({
        id,
        tenant_id: t.tenantId,
        kind: 'license.issued',
        dedupe_key: id,
        recipient: 'it@acme.test',
        subject: 'Your license',
        body: 'key',
        license_id: null,
        status: 'failed',
        attempts: 8,
        next_attempt_at: at,
        last_error: 'smtp: 550',
        created_at: at,
        sent_at: null,
        updated_at: at,
      })
      .execute()
    const s = await signInStaff(t, support)
    const sp = await s.get('/console/billing')
    expect(sp.body).toContain('smtp: 550')
    expect(sp.body).not.toContain(`/console/billing/outbox/${id}/retry`)
    expect(
      (await s.post(`/console/billing/outbox/${id}/retry`, { _csrf: s.csrf(sp.body) })).statusCode,
    ).toBe(403)
    const b = await signInStaff(t, owner)
    const page = await b.get('/console/billing')
    expect(page.body).toContain(`/console/billing/outbox/${id}/retry`)
    const ok = await b.post(`/console/billing/outbox/${id}/retry`, { _csrf: b.csrf(page.body) })
    expect(ok.statusCode).toBe(303)
    const row = await t.db
      .selectFrom('outbox_messages')
      .select(['status', 'attempts'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow()
    expect(row).toEqual({ status: 'pending', attempts: 0 })
    const again = await b.post(`/console/billing/outbox/${id}/retry`, { _csrf: b.csrf(page.body) })
    expect(again.statusCode).toBe(409)
  })

  it("isolates tenants: B's owner gets NOT_FOUND on A's customer, plan and API keys", async () => {
    const other = await t.addTenant('vendor-b-admin')
    const bOwner = await createStaff(t, 'owner', { tenantId: other.tenantId })
    const b = await signInStaff(t, bOwner)
    const csrf = b.csrf((await b.get('/console/keys')).body)
    expect((await b.get(`/console/customers/${customer.id}/edit`)).statusCode).toBe(404)
    expect(
      (await b.post(`/console/customers/${customer.id}/edit`, { name: 'x', _csrf: csrf }))
        .statusCode,
    ).toBe(404)
    expect((await b.get(`/console/plans/${plan.id}`)).statusCode).toBe(404)
    expect(
      (await b.post(`/console/plans/${plan.id}`, { ...PLAN_FORM, _csrf: csrf })).statusCode,
    ).toBe(404)
    const aKey = await t.db
      .selectFrom('api_keys')
      .select('id')
      .where('tenant_id', '=', t.tenantId)
      .where('revoked_at', 'is', null)
      .executeTakeFirstOrThrow()
    expect((await b.post(`/console/keys/api/${aKey.id}/revoke`, { _csrf: csrf })).statusCode).toBe(
      404,
    )
    expect((await b.get('/console/keys')).body).not.toContain(aKey.id)
  })
})
