import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AppError } from '../src/errors/app-error.js'
import { redeemSupportLink } from '../src/portal/support-link.js'
import { post } from './helpers/fixtures.js'
import { createTestApp, type TestApp } from './helpers/test-app.js'
import { TEST_DB_KIND } from './helpers/test-db.js'
import { seedPortalCustomer, type PortalCustomer } from './portal-support.js'

let t: TestApp
let acme: PortalCustomer
let other: { tenantId: string; adminKey: string }
let readOnlyKey: string
const MIN = 60_000

beforeAll(async () => {
  t = await createTestApp()
  acme = await seedPortalCustomer(t, 'buyer@acme.test')
  other = await t.addTenant('rival')
  const key = await post<{ secret: string }>(t, '/v1/admin/api-keys', {
    name: 'ro',
    scopes: ['customers:read', 'plans:read', 'portal:read'],
  })
  readOnlyKey = key.secret
})
afterAll(() => t.close())

const secretOf = (url: string) => url.split('/portal/support/')[1]!

describe(`portal admin API (${TEST_DB_KIND})`, () => {
  it('creates a one-time 10-minute support link that works once, audited', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: `/v1/admin/customers/${acme.customer.id}/portal-link`,
      headers: { authorization: `Bearer ${t.adminKey}`, host: 'licenses.vendor.test' },
    })
    expect(res.statusCode, res.body).toBe(201)
    const link = res.json<{ url: string; expiresAt: string; customerId: string }>()
    expect(link.url).toMatch(
      /^http:\/\/licenses\.vendor\.test\/portal\/support\/[A-Za-z0-9_-]{43}$/,
    )
    expect(new Date(link.expiresAt).getTime() - t.clock.now().getTime()).toBe(10 * MIN)
    // The secret is not stored.
    const rows = await t.db.selectFrom('portal_support_links').selectAll().execute()
    expect(JSON.stringify(rows)).not.toContain(secretOf(link.url))
    const used = await redeemSupportLink(t.db, { secret: secretOf(link.url), now: t.clock.now() })
    expect(used.customer_id).toBe(acme.customer.id)
    await expect(
      redeemSupportLink(t.db, { secret: secretOf(link.url), now: t.clock.now() }),
    ).rejects.toMatchObject({ code: 'SUPPORT_LINK_INVALID' })
    const actions = await t.db
      .selectFrom('audit_log')
      .select(['action', 'actor'])
      .where('action', 'like', 'portal.support_link.%')
      .execute()
    expect(actions.map((a) => a.action)).toEqual([
      'portal.support_link.create',
      'portal.support_link.use',
    ])
  })

  it('refuses an expired or made-up support link', async () => {
    const link = await post<{ url: string }>(
      t,
      `/v1/admin/customers/${acme.customer.id}/portal-link`,
      undefined,
    )
    t.clock.advance(10 * MIN + 1)
    for (const secret of [secretOf(link.url), 'x'.repeat(43), '../../etc', '']) {
      const err = await redeemSupportLink(t.db, { secret, now: t.clock.now() }).catch(
        (e: unknown) => e,
      )
      expect(err).toBeInstanceOf(AppError)
      expect((err as AppError).code).toBe('SUPPORT_LINK_INVALID')
    }
  })

  it('scopes and tenants: read-only keys cannot create links; another tenant gets NOT_FOUND', async () => {
    const ro = await t.request(
      'POST',
      `/v1/admin/customers/${acme.customer.id}/portal-link`,
      undefined,
      readOnlyKey,
    )
    expect(ro.json()).toMatchObject({ code: 'INSUFFICIENT_SCOPE', status: 403 })
    const anon = await t.request(
      'POST',
      `/v1/admin/customers/${acme.customer.id}/portal-link`,
      undefined,
      null,
    )
    expect(anon.statusCode).toBe(401)
    for (const [method, url, body] of [
      ['POST', `/v1/admin/customers/${acme.customer.id}/portal-link`, undefined],
      ['GET', `/v1/admin/customers/${acme.customer.id}/portal-users`, undefined],
      ['POST', `/v1/admin/customers/${acme.customer.id}/portal-users`, { email: 'spy@rival.test' }],
      ['GET', `/v1/admin/plans/${acme.plan.id}/seat-reset-policy`, undefined],
      [
        'PUT',
        `/v1/admin/plans/${acme.plan.id}/seat-reset-policy`,
        { maxResets: 9, windowDays: 1, cooldownHours: 0 },
      ],
    ] as const) {
      const res = await t.request(method, url, body, other.adminKey)
      expect(res.json(), `${method} ${url}`).toMatchObject({ code: 'NOT_FOUND', status: 404 })
    }
  })

  it('lists and invites people of a customer; duplicates and garbage are refused', async () => {
    const invited = await post<{ email: string; role: string; status: string }>(
      t,
      `/v1/admin/customers/${acme.customer.id}/portal-users`,
      { email: 'Dev@Acme.test', role: 'member' },
    )
    expect(invited).toMatchObject({ email: 'dev@acme.test', role: 'member', status: 'invited' })
    const mail = await t.db
      .selectFrom('outbox_messages')
      .selectAll()
      .where('kind', '=', 'portal.invite')
      .where('recipient', '=', 'dev@acme.test')
      .executeTakeFirstOrThrow()
    expect(mail.body).toContain('/portal/login')
    const dup = await t.request('POST', `/v1/admin/customers/${acme.customer.id}/portal-users`, {
      email: 'DEV@acme.test',
    })
    expect(dup.json()).toMatchObject({ code: 'CONFLICT', status: 409 })
    for (const email of ['nope', 'a\u0000b@acme.test', '<script>@x.test']) {
      const bad = await t.request('POST', `/v1/admin/customers/${acme.customer.id}/portal-users`, {
        email,
      })
      expect(bad.statusCode, email).toBe(400)
    }
    const list = await t.request(
      'GET',
      `/v1/admin/customers/${acme.customer.id}/portal-users`,
      undefined,
      readOnlyKey,
    )
    expect(list.json<{ items: { email: string }[] }>().items.map((u) => u.email)).toEqual([
      'buyer@acme.test',
      'dev@acme.test',
    ])
  })

  it('sets and reads branding per tenant, validating the logo URL and email', async () => {
    const empty = await t.request('GET', '/v1/admin/portal/branding', undefined, readOnlyKey)
    expect(empty.json()).toEqual({ productName: null, logoUrl: null, supportEmail: null })
    const body = {
      productName: 'Acme Analytics',
      logoUrl: 'https://cdn.vendor.test/logo.svg',
      supportEmail: 'Help@Vendor.test',
    }
    const put = await t.request('PUT', '/v1/admin/portal/branding', body)
    expect(put.json()).toEqual({ ...body, supportEmail: 'help@vendor.test' })
    const ro = await t.request('PUT', '/v1/admin/portal/branding', body, readOnlyKey)
    expect(ro.statusCode).toBe(403)
    // Tenant B sees its own (empty) branding.
    const b = await t.request('GET', '/v1/admin/portal/branding', undefined, other.adminKey)
    expect(b.json()).toEqual({ productName: null, logoUrl: null, supportEmail: null })
    for (const logoUrl of [
      'javascript:alert(1)',
      'http://cdn.vendor.test/x.png',
      'https://u:p@x.test/l.png',
      'not a url',
    ]) {
      const bad = await t.request('PUT', '/v1/admin/portal/branding', { ...body, logoUrl })
      expect(bad.json(), logoUrl).toMatchObject({ code: 'VALIDATION_FAILED', status: 400 })
    }
    const badEmail = await t.request('PUT', '/v1/admin/portal/branding', {
      ...body,
      supportEmail: 'x',
    })
    expect(badEmail.statusCode).toBe(400)
    const after = await t.request('GET', '/v1/admin/portal/branding')
    expect(after.json<{ productName: string }>().productName).toBe('Acme Analytics')
  })

  it('reads the seat-reset policy (defaults, then the vendor’s) and audits changes', async () => {
    const url = `/v1/admin/plans/${acme.plan.id}/seat-reset-policy`
    const def = await t.request('GET', url, undefined, readOnlyKey)
    expect(def.json()).toEqual({
      planId: acme.plan.id,
      maxResets: 3,
      windowDays: 30,
      cooldownHours: 1,
      custom: false,
    })
    const put = await t.request('PUT', url, { maxResets: 5, windowDays: 90, cooldownHours: 24 })
    expect(put.json()).toMatchObject({ maxResets: 5, custom: true })
    const bad = await t.request('PUT', url, { maxResets: -1, windowDays: 0, cooldownHours: 0 })
    expect(bad.statusCode).toBe(400)
    const audit = await t.db
      .selectFrom('audit_log')
      .select(['action', 'target_id'])
      .where('action', '=', 'plan.seat_reset_policy.update')
      .execute()
    expect(audit).toEqual([{ action: 'plan.seat_reset_policy.update', target_id: acme.plan.id }])
  })
})
