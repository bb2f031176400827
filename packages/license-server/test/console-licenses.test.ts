import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { newId } from '../src/lib/ids.js'
import { insertViolation } from '../src/violations/violation.repository.js'
import { createStaff, signInStaff, type TestStaff } from './helpers/console-support.js'
import { seedLicense, type Obj } from './helpers/fixtures.js'
import { createTestApp, type TestApp } from './helpers/test-app.js'
import type { Browser } from './helpers/web-client.js'

const KEY = /data-testid="license-key">([^<]+)</

describe('console license actions (app.inject)', () => {
  let t: TestApp
  let owner: TestStaff
  let sales: TestStaff
  let support: TestStaff
  let readOnly: TestStaff
  let customer: Obj
  let plan: Obj
  let licenseId: string
  const validate = async (key: string) =>
    (await t.app.inject({ method: 'POST', url: '/v1/licenses/validate', payload: { key } })).json<{
      valid: boolean
      code?: string
    }>()
  const count = async (table: 'licenses' | 'audit_log') =>
    Number(
      (
        await t.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    )
  const csrfOf = async (b: Browser) => b.csrf((await b.get(`/console/licenses/${licenseId}`)).body)
  beforeAll(async () => {
    t = await createTestApp()
    owner = await createStaff(t, 'owner')
    sales = await createStaff(t, 'sales')
    support = await createStaff(t, 'support')
    readOnly = await createStaff(t, 'read-only')
    const seeded = await seedLicense(t)
    customer = seeded.customer
    plan = seeded.plan
    licenseId = seeded.license.id
  })
  afterAll(() => t.close())

  it('sales issues a license: bad input is a message on the page with nothing written; the key shown validates', async () => {
    const b = await signInStaff(t, sales)
    const form = await b.get(`/console/licenses/new?customer=${customer.id}`)
    expect(form.statusCode).toBe(200)
    expect(form.body).toContain(`value="${customer.id}"`)
    const csrf = b.csrf(form.body)
    const before = await count('licenses')
    const bad = await b.post('/console/licenses/new', {
      customerId: 'cus_doesnotexist00',
      planId: plan.id,
      expiresAt: '2001-01-01',
      _csrf: csrf,
    })
    expect(bad.statusCode).toBe(400)
    expect(bad.body).toContain('No customer with this id')
    expect(bad.body).toContain('Expiry date must be in the future')
    const both = await b.post('/console/licenses/new', {
      customerId: customer.id,
      planId: 'pln_\u0000x',
      expiresAt: '2099-02-30',
      perpetual: 'yes',
      _csrf: csrf,
    })
    expect(both.statusCode).toBe(400)
    expect(both.body).toContain('Choose an expiry date or perpetual, not both')
    expect(await count('licenses')).toBe(before)

    const ok = await b.post('/console/licenses/new', {
      customerId: customer.id,
      planId: plan.id,
      expiresAt: '2099-06-30',
      _csrf: csrf,
    })
    expect(ok.statusCode, ok.body.slice(0, 500)).toBe(201)
    const token = KEY.exec(ok.body)![1]!
    expect(await validate(token)).toMatchObject({ valid: true })
    const row = await t.db
      .selectFrom('licenses')
      .selectAll()
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow()
    expect(row.expires_at!.toISOString()).toBe('2099-06-30T23:59:59.000Z')
    const audit = await t.db
      .selectFrom('audit_log')
      .select('actor')
      .where('target_id', '=', row.id)
      .where('action', '=', 'license.issue')
      .executeTakeFirstOrThrow()
    expect(audit.actor).toBe(`staff:${sales.id}`)
  })

  it('renews (message on a missing date), reissues (fresh key shown) and audits both', async () => {
    const b = await signInStaff(t, sales)
    const csrf = await csrfOf(b)
    const missing = await b.post(`/console/licenses/${licenseId}/renew`, { _csrf: csrf })
    expect(missing.statusCode).toBe(400)
    expect(missing.body).toContain('Expiry date is required (or tick perpetual)')
    const renewed = await b.post(`/console/licenses/${licenseId}/renew`, {
      expiresAt: '2098-01-31',
      _csrf: csrf,
    })
    expect(renewed.statusCode).toBe(200)
    expect(renewed.body).toContain('Renewed until 2098-01-31')
    const perpetual = await b.post(`/console/licenses/${licenseId}/renew`, {
      perpetual: 'yes',
      _csrf: csrf,
    })
    expect(perpetual.body).toContain('Renewed as perpetual')
    const row = await t.db
      .selectFrom('licenses')
      .select('expires_at')
      .where('id', '=', licenseId)
      .executeTakeFirstOrThrow()
    expect(row.expires_at).toBeNull()
    const re = await b.post(`/console/licenses/${licenseId}/reissue`, { _csrf: csrf })
    expect(re.statusCode).toBe(200)
    expect(await validate(KEY.exec(re.body)![1]!)).toMatchObject({ valid: true })
    const actions = await t.db
      .selectFrom('audit_log')
      .select('action')
      .where('target_id', '=', licenseId)
      .where('actor', '=', `staff:${sales.id}`)
      .execute()
    expect(actions.map((a) => a.action).sort()).toEqual([
      'license.reissue',
      'license.renew',
      'license.renew',
    ])
  })

  it('copy key and download need a confirmation, are audited, and support may take keys', async () => {
    const b = await signInStaff(t, support)
    const page = await b.get(`/console/licenses/${licenseId}`)
    expect(page.body).toContain(`/console/licenses/${licenseId}/key`)
    expect(page.body).not.toContain(`/console/licenses/${licenseId}/renew`)
    expect(page.body).not.toContain(KEY.source.slice(0, 20))
    const csrf = b.csrf(page.body)
    const audits = await count('audit_log')
    const unconfirmed = await b.post(`/console/licenses/${licenseId}/key`, {
      as: 'show',
      _csrf: csrf,
    })
    expect(unconfirmed.statusCode).toBe(400)
    expect(unconfirmed.body).toContain('Tick the box to confirm you want the key')
    expect(await count('audit_log')).toBe(audits)
    const shown = await b.post(`/console/licenses/${licenseId}/key`, {
      as: 'show',
      confirm: 'yes',
      _csrf: csrf,
    })
    expect(shown.statusCode).toBe(200)
    expect(await validate(KEY.exec(shown.body)![1]!)).toMatchObject({ valid: true })
    const file = await b.post(`/console/licenses/${licenseId}/key`, {
      as: 'file',
      confirm: 'yes',
      _csrf: csrf,
    })
    expect(file.statusCode).toBe(200)
    expect(file.headers['content-disposition']).toBe(
      `attachment; filename="license-${licenseId}.key"`,
    )
    expect(await validate(file.body.trim())).toMatchObject({ valid: true })
    const reveals = await t.db
      .selectFrom('audit_log')
      .select(['actor', 'after'])
      .where('target_id', '=', licenseId)
      .where('action', '=', 'license.key_reveal')
      .execute()
    expect(reveals.map((r) => [r.actor, (r.after as { via: string }).via])).toEqual([
      [`staff:${support.id}`, 'copy'],
      [`staff:${support.id}`, 'download'],
    ])
    // support cannot issue, renew or reissue: forged posts answer 403
    for (const url of ['/console/licenses/new', `/console/licenses/${licenseId}/reissue`]) {
      expect((await b.post(url, { _csrf: csrf })).statusCode, url).toBe(403)
    }
  })

  it('read-only sees no key, issue or renew action; forged posts answer 403; no CSRF token answers 403', async () => {
    const b = await signInStaff(t, readOnly)
    const page = await b.get(`/console/licenses/${licenseId}`)
    for (const action of ['key', 'renew', 'reissue']) {
      expect(page.body).not.toContain(`/console/licenses/${licenseId}/${action}`)
    }
    expect((await b.get('/console/licenses')).body).not.toContain('/console/licenses/new')
    expect((await b.get('/console/licenses/new')).statusCode).toBe(403)
    const csrf = b.csrf(page.body)
    const forged: Array<[string, Record<string, string>]> = [
      ['/console/licenses/new', { customerId: String(customer.id), planId: String(plan.id) }],
      [`/console/licenses/${licenseId}/renew`, { perpetual: 'yes' }],
      [`/console/licenses/${licenseId}/reissue`, {}],
      [`/console/licenses/${licenseId}/key`, { as: 'show', confirm: 'yes' }],
    ]
    const audits = await count('audit_log')
    for (const [url, form] of forged) {
      const res = await b.post(url, { ...form, _csrf: csrf })
      expect(res.statusCode, url).toBe(403)
      expect(res.body).not.toMatch(KEY)
    }
    expect(await count('audit_log')).toBe(audits)
    const o = await signInStaff(t, owner)
    const signedIn = await count('audit_log')
    const noCsrf = await o.post(`/console/licenses/${licenseId}/key`, {
      as: 'show',
      confirm: 'yes',
    })
    expect(noCsrf.statusCode).toBe(403)
    expect(noCsrf.body).not.toMatch(KEY)
    expect(await count('audit_log')).toBe(signedIn)
  })

  it('shows usage vs limits as an SVG chart and the license violations', async () => {
    const now = t.clock.now()
    await t.db
      .insertInto('usage_counters')
      .values({
        tenant_id: t.tenantId,
        license_id: licenseId,
        metric: 'users',
        day: now.toISOString().slice(0, 10),
        amount: 42,
        updated_at: now,
      })
      .execute()
    await insertViolation(t.db, {
      id: newId('vio'),
      tenantId: t.tenantId,
      licenseId,
      installId: null,
      kind: 'clock_tamper',
      severity: 'high',
      source: 'client',
      details: {},
      address: '203.0.113.9',
      now,
    })
    const b = await signInStaff(t, readOnly)
    const page = await b.get(`/console/licenses/${licenseId}`)
    expect(page.body).toMatch(/<figure class="usage" data-metric="users">/)
    expect(page.body).toContain('users (limit 50)')
    expect(page.body).toMatch(/<rect class="bar"[^>]*><title>[0-9-]+: 42<\/title>/)
    expect(page.body).toContain('<line class="limit"')
    expect(page.body).toContain('clock_tamper')
    expect(page.body).toContain('203.0.113.9')
  })

  it('charts deployments by hour of last contact on the overview as SVG (no script)', async () => {
    const seeded = await seedLicense(t)
    for (const deploymentId of ['chart-a', 'chart-b']) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/v1/deployments/activate',
        payload: { key: seeded.token, deploymentId },
      })
      expect(res.statusCode, res.body).toBe(200)
    }
    const b = await signInStaff(t, readOnly)
    const page = await b.get('/console')
    expect(page.statusCode).toBe(200)
    const figure = /<figure class="usage" data-metric="contact-by-hour">[\s\S]*?<\/figure>/.exec(
      page.body,
    )![0]
    expect(figure.match(/<rect class="bar"/g)).toHaveLength(24)
    expect(figure).not.toContain('<script')
    const hour = t.clock.now().toISOString().slice(0, 13).replace('T', ' ')
    expect(figure).toContain(`<th scope="row">${hour}:00</th><td>2</td>`)
  })

  it("isolates tenants: B's staff get NOT_FOUND on A's license actions and cannot issue to A's customer", async () => {
    const other = await t.addTenant('vendor-b-licenses')
    const bOwner = await createStaff(t, 'owner', { tenantId: other.tenantId })
    const b = await signInStaff(t, bOwner)
    const csrf = b.csrf((await b.get('/console/licenses/new')).body)
    const audits = await count('audit_log')
    for (const [action, form] of [
      ['renew', { perpetual: 'yes' }],
      ['reissue', {}],
      ['key', { as: 'show', confirm: 'yes' }],
    ] as const) {
      const res = await b.post(`/console/licenses/${licenseId}/${action}`, {
        ...form,
        _csrf: csrf,
      })
      expect(res.statusCode, action).toBe(404)
      expect(res.body).not.toMatch(KEY)
    }
    const issue = await b.post('/console/licenses/new', {
      customerId: String(customer.id),
      planId: String(plan.id),
      _csrf: csrf,
    })
    expect(issue.statusCode).toBe(400)
    expect(issue.body).toContain('No customer with this id')
    expect(issue.body).toContain('Choose one of the plans')
    expect(await count('audit_log')).toBe(audits)
  })
})
