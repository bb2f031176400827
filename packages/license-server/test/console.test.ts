import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { consoleSetupPath } from '../src/console/console-setup.js'
import { createStaff, currentCode, signInStaff, type TestStaff } from './helpers/console-support.js'
import { post, seedLicense } from './helpers/fixtures.js'
import { createTestApp, type TestApp } from './helpers/test-app.js'
import { Browser } from './helpers/web-client.js'

const INNER_PAGES = [
  '/console',
  '/console/licenses',
  '/console/customers',
  '/console/staff',
  '/console/account',
]

describe('staff console (app.inject)', () => {
  let t: TestApp
  let owner: TestStaff
  let support: TestStaff
  let readOnly: TestStaff
  let sales: TestStaff
  let licenseId: string
  let token: string
  beforeAll(async () => {
    t = await createTestApp()
    owner = await createStaff(t, 'owner')
    support = await createStaff(t, 'support')
    readOnly = await createStaff(t, 'read-only')
    sales = await createStaff(t, 'sales')
    const seeded = await seedLicense(t)
    licenseId = seeded.license.id
    token = seeded.token
  })
  afterAll(() => t.close())

  it('redirects every inner page to sign-in without a session', async () => {
    const b = new Browser(t)
    for (const url of [...INNER_PAGES, `/console/licenses/${licenseId}`]) {
      const res = await b.get(url)
      expect(res.statusCode, url).toBe(303)
      expect(res.headers.location).toMatch(/^\/console\/login\?next=/)
    }
  })

  it('shows every inner page to a signed-in owner', async () => {
    const b = await signInStaff(t, owner)
    for (const url of [...INNER_PAGES, `/console/licenses/${licenseId}`]) {
      const res = await b.get(url)
      expect(res.statusCode, `${url}: ${res.body.slice(0, 300)}`).toBe(200)
      expect(res.headers['content-security-policy']).toContain("script-src 'self'")
    }
    expect((await b.get('/console/plans')).body).toContain('acme-app')
    expect((await b.get(`/console/audit?target=${licenseId}`)).body).toContain('license.issue')
  })

  it('refuses a wrong password and a wrong code, and a TOTP code used twice', async () => {
    const b = new Browser(t)
    const page = await b.get('/console/login')
    const wrong = await b.post('/console/login', {
      email: readOnly.email,
      password: 'nope-nope-nope',
      _csrf: b.csrf(page.body),
    })
    expect(wrong.statusCode).toBe(401)
    expect(wrong.body).toContain('The email or password is not right')
    const unknown = await b.post('/console/login', {
      email: 'ghost@vendor.test',
      password: 'nope-nope-nope',
      _csrf: b.csrf(page.body),
    })
    expect(unknown.statusCode).toBe(401)
    expect(unknown.body).toContain('The email or password is not right')

    const ok = await b.post('/console/login', {
      email: readOnly.email,
      password: readOnly.password,
      _csrf: b.csrf(page.body),
    })
    expect(ok.statusCode).toBe(303)
    const totp = await b.get('/console/login/totp')
    expect((await b.get('/console')).statusCode).toBe(303) // pending is not signed in
    const bad = await b.post('/console/login/totp', { code: '000000', _csrf: b.csrf(totp.body) })
    expect(bad.statusCode).toBe(401)
    t.clock.advance(30_000)
    const code = currentCode(t, readOnly)
    expect(
      (await b.post('/console/login/totp', { code, _csrf: b.csrf(totp.body) })).statusCode,
    ).toBe(303)
    // The same code again, in another browser: refused (no replay).
    const b2 = new Browser(t)
    const p2 = await b2.get('/console/login')
    await b2.post('/console/login', {
      email: readOnly.email,
      password: readOnly.password,
      _csrf: b2.csrf(p2.body),
    })
    const t2 = await b2.get('/console/login/totp')
    expect(
      (await b2.post('/console/login/totp', { code, _csrf: b2.csrf(t2.body) })).statusCode,
    ).toBe(401)
  })

  it('accepts a recovery code once', async () => {
    const member = await createStaff(t, 'read-only')
    const signIn = async (code: string) => {
      const b = new Browser(t)
      const page = await b.get('/console/login')
      await b.post('/console/login', {
        email: member.email,
        password: member.password,
        _csrf: b.csrf(page.body),
      })
      const totp = await b.get('/console/login/totp')
      return (await b.post('/console/login/totp', { code, _csrf: b.csrf(totp.body) })).statusCode
    }
    expect(await signIn(member.recoveryCodes[0]!.toUpperCase())).toBe(303)
    expect(await signIn(member.recoveryCodes[0]!)).toBe(401)
  })

  it('limits failed sign-ins per account: the right password is refused once over the limit', async () => {
    const member = await createStaff(t, 'read-only')
    const b = new Browser(t)
    const token = b.csrf((await b.get('/console/login')).body)
    for (let i = 0; i < 5; i++) {
      expect(
        (
          await b.post('/console/login', {
            email: member.email,
            password: `wrong-${i}-password`,
            _csrf: token,
          })
        ).statusCode,
      ).toBe(401)
    }
    const locked = await b.post('/console/login', {
      email: member.email,
      password: member.password,
      _csrf: token,
    })
    expect(locked.statusCode).toBe(429)
    expect(locked.headers['retry-after']).toBeDefined()
    t.clock.advance(15 * 60_000 + 1000)
    expect(
      (
        await b.post('/console/login', {
          email: member.email,
          password: member.password,
          _csrf: token,
        })
      ).statusCode,
    ).toBe(303)
  })

  it('read-only sees no status actions, and a forged suspend/revoke answers 403 with nothing changed', async () => {
    const b = await signInStaff(t, readOnly)
    const page = await b.get(`/console/licenses/${licenseId}`)
    expect(page.statusCode).toBe(200)
    expect(page.body).not.toContain(`/console/licenses/${licenseId}/revoke`)
    expect(page.body).not.toContain(`/console/licenses/${licenseId}/suspend`)
    const csrf = b.csrf(page.body)
    for (const action of ['suspend', 'revoke']) {
      const res = await b.post(`/console/licenses/${licenseId}/${action}`, {
        reason: 'forged',
        _csrf: csrf,
      })
      expect(res.statusCode).toBe(403)
    }
    const row = await t.db
      .selectFrom('licenses')
      .select('status')
      .where('id', '=', licenseId)
      .executeTakeFirstOrThrow()
    expect(row.status).toBe('active')
    expect((await b.post('/console/customers', { name: 'x', _csrf: csrf })).statusCode).toBe(403)
    expect(
      (await b.post('/console/staff/invite', { email: 'a@b.test', role: 'support', _csrf: csrf }))
        .statusCode,
    ).toBe(403)
  })

  it('support suspends with a reason (audited with the member as actor), cannot revoke; bad input changes nothing', async () => {
    const b = await signInStaff(t, support)
    const page = await b.get(`/console/licenses/${licenseId}`)
    expect(page.body).toContain(`/console/licenses/${licenseId}/suspend`)
    expect(page.body).not.toContain(`/console/licenses/${licenseId}/revoke`)
    const csrf = b.csrf(page.body)
    const noReason = await b.post(`/console/licenses/${licenseId}/suspend`, {
      reason: '  ',
      _csrf: csrf,
    })
    expect(noReason.statusCode).toBe(400)
    expect(noReason.body).toContain('Reason is required')
    expect(
      (await b.post(`/console/licenses/${licenseId}/revoke`, { reason: 'x', _csrf: csrf }))
        .statusCode,
    ).toBe(403)
    const ok = await b.post(`/console/licenses/${licenseId}/suspend`, {
      reason: 'chargeback <b>',
      _csrf: csrf,
    })
    expect(ok.statusCode, ok.body).toBe(303)
    const audit = await t.db
      .selectFrom('audit_log')
      .selectAll()
      .where('target_id', '=', licenseId)
      .where('action', '=', 'license.suspend')
      .executeTakeFirstOrThrow()
    expect(audit.actor).toBe(`staff:${support.id}`)
    expect(audit.after).toMatchObject({ status: 'suspended', statusReason: 'chargeback <b>' })
    // The API sees the same state (one rule, one place).
    const v = await t.app.inject({
      method: 'POST',
      url: '/v1/licenses/validate',
      payload: { key: token },
    })
    expect(v.json()).toMatchObject({ valid: false, code: 'SUSPENDED' })
    const again = await b.post(`/console/licenses/${licenseId}/suspend`, {
      reason: 'twice',
      _csrf: csrf,
    })
    expect(again.statusCode).toBe(409)
    expect(
      (await b.post(`/console/licenses/${licenseId}/reinstate`, { reason: '', _csrf: csrf }))
        .statusCode,
    ).toBe(303)
  })

  it('sales creates a customer; a <script> name renders as text; an empty name is a form error', async () => {
    const b = await signInStaff(t, sales)
    const list = await b.get('/console/customers')
    const csrf = b.csrf(list.body)
    const before = await t.db.selectFrom('customers').select('id').execute()
    const bad = await b.post('/console/customers', { name: '', email: 'not-an-email', _csrf: csrf })
    expect(bad.statusCode).toBe(400)
    expect(bad.body).toContain('Name is required')
    expect(bad.body).toContain('Email must be an email address')
    expect((await t.db.selectFrom('customers').select('id').execute()).length).toBe(before.length)
    const evil = '<script>alert(1)</script>'
    const created = await b.post('/console/customers', {
      name: evil,
      email: 'evil@cust.test',
      _csrf: csrf,
    })
    expect(created.statusCode).toBe(303)
    const detail = await b.get(String(created.headers.location))
    expect(detail.body).not.toContain(evil)
    expect(detail.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    const audit = await t.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'customer.create')
      .where(
        'actor',
        '=',
        `staff:${(await t.db.selectFrom('staff_accounts').select('id').where('email', '=', sales.email).executeTakeFirstOrThrow()).id}`,
      )
      .execute()
    expect(audit.length).toBe(1)
  })

  it('isolates tenants: tenant B staff get NOT_FOUND for tenant A objects and never list them', async () => {
    const other = await t.addTenant('vendor-b')
    const bOwner = await createStaff(t, 'owner', { tenantId: other.tenantId })
    const b = await signInStaff(t, bOwner)
    expect((await b.get(`/console/licenses/${licenseId}`)).statusCode).toBe(404)
    const customers = await t.db
      .selectFrom('customers')
      .select('id')
      .where('tenant_id', '=', t.tenantId)
      .execute()
    expect((await b.get(`/console/customers/${customers[0]!.id}`)).statusCode).toBe(404)
    const csrf = b.csrf((await b.get('/console/licenses')).body)
    expect(
      (await b.post(`/console/licenses/${licenseId}/suspend`, { reason: 'cross', _csrf: csrf }))
        .statusCode,
    ).toBe(404)
    const list = await b.get('/console/licenses?q=acme')
    expect(list.body).not.toContain(licenseId)
    const cust = await b.get('/console/customers')
    expect(cust.body).not.toContain('Acme Corp')
    const staff = await b.get('/console/staff')
    expect(staff.body).not.toContain(owner.email)
    for (const url of [
      '/console/audit',
      '/console/plans',
      '/console/keys',
      '/console/billing',
      '/console/violations',
    ]) {
      const res = await b.get(url)
      expect(res.statusCode, url).toBe(200)
      expect(res.body, url).not.toContain(licenseId)
      expect(res.body, url).not.toContain('acme-app')
    }
    expect((await b.get(`/console/audit?target=${licenseId}`)).body).not.toContain('license.issue')
    const row = await t.db
      .selectFrom('licenses')
      .select('status')
      .where('id', '=', licenseId)
      .executeTakeFirstOrThrow()
    expect(row.status).toBe('active')
  })

  it('an owner invites a member through the page; the link creates the account once', async () => {
    const b = await signInStaff(t, owner)
    const csrf = b.csrf((await b.get('/console/staff')).body)
    const res = await b.post('/console/staff/invite', {
      email: 'new.support@vendor.test',
      role: 'support',
      _csrf: csrf,
    })
    expect(res.statusCode).toBe(200)
    const link = /(\/console\/invite\/[A-Za-z0-9_-]{32})/.exec(res.body)![1]!
    const invitee = new Browser(t)
    const form = await invitee.get(link)
    expect(form.statusCode).toBe(200)
    const secret = /name="secret" value="([A-Z2-7]{32})"/.exec(form.body)![1]!
    const { totpCode, totpStep } = await import('../src/console/totp.js')
    const bad = await invitee.post(link, {
      secret,
      name: 'Sam',
      password: 'short',
      password2: 'short',
      code: '123',
      _csrf: invitee.csrf(form.body),
    })
    expect(bad.statusCode).toBe(400)
    expect(bad.body).toContain('Password must be at least 12 characters')
    const ok = await invitee.post(link, {
      secret,
      name: 'Sam',
      password: 'a-long-password-1',
      password2: 'a-long-password-1',
      code: totpCode(secret, totpStep(t.clock.now())),
      _csrf: invitee.csrf(form.body),
    })
    expect(ok.statusCode, ok.body).toBe(200)
    expect(ok.body).toContain('Save your recovery codes')
    expect((await invitee.get('/console')).statusCode).toBe(200)
    expect((await new Browser(t).get(link)).statusCode).toBe(404)
  })

  it('a disabled member is signed out at the next request', async () => {
    const member = await createStaff(t, 'support')
    const mb = await signInStaff(t, member)
    expect((await mb.get('/console')).statusCode).toBe(200)
    const ob = await signInStaff(t, owner)
    const csrf = ob.csrf((await ob.get('/console/staff')).body)
    expect((await ob.post(`/console/staff/${member.id}/disable`, { _csrf: csrf })).statusCode).toBe(
      303,
    )
    expect((await mb.get('/console')).statusCode).toBe(303)
  })

  it('the last owner cannot be disabled or demoted', async () => {
    const fresh = await t.addTenant('solo')
    const solo = await createStaff(t, 'owner', { tenantId: fresh.tenantId })
    const other = await createStaff(t, 'admin', { tenantId: fresh.tenantId })
    const b = await signInStaff(t, other)
    const csrf = b.csrf((await b.get('/console/staff')).body)
    expect((await b.post(`/console/staff/${solo.id}/disable`, { _csrf: csrf })).statusCode).toBe(
      403,
    )
    void post
  })

  it('prints a first-owner setup link until an owner exists', async () => {
    const fresh = await createTestApp()
    try {
      const path = consoleSetupPath(fresh.app.tollgate)
      expect(path).toMatch(/^\/console\/setup\/[A-Za-z0-9_-]{32}$/)
      const b = new Browser(fresh)
      const form = await b.get(path!)
      expect(form.statusCode).toBe(200)
      expect(form.body).toContain('Create the first owner account')
    } finally {
      await fresh.close()
    }
    expect(consoleSetupPath(t.app.tollgate)).toBeDefined() // this app started before its owners
  })
})
