import { verifyLicense, type Jwks } from '@tollgate/license-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { post } from './helpers/fixtures.js'
import { billingConfig } from './billing-fixtures.js'
import { fakeSmtp } from './helpers/fake-smtp.js'
import { createTestApp, type TestApp } from './helpers/test-app.js'
import { TEST_DB_KIND } from './helpers/test-db.js'
import { activate, seedPortalCustomer, type PortalCustomer } from './portal-support.js'
import { ORIGIN, PortalBrowser } from './portal-web-support.js'

let t: TestApp
let smtp: Awaited<ReturnType<typeof fakeSmtp>>
let acme: PortalCustomer
let globex: PortalCustomer
let acmeDep: string

beforeAll(async () => {
  smtp = await fakeSmtp()
  t = await createTestApp({
    config: {
      billing: billingConfig({
        smtp: {
          host: '127.0.0.1',
          port: smtp.port,
          secure: false,
          user: undefined,
          password: undefined,
          from: 'licenses@vendor.test',
        },
      }),
    },
  })
  acme = await seedPortalCustomer(t, 'buyer@acme.test')
  globex = await seedPortalCustomer(t, 'boss@globex.test')
  await t.request('PATCH', `/v1/admin/customers/${globex.customer.id}`, {
    name: '<script>alert(1)</script> Globex',
  })
  acmeDep = (await activate(t, acme.token, 'acme-1')).id!
  await activate(t, globex.token, 'globex-1')
})
afterAll(async () => {
  await t.close()
  smtp.server.close()
})

const INNER_GETS = ['/portal', '/portal/team', '/portal/offline', '/portal/offline/revocations.jws']

describe(`portal pages: sign-in and authorization (${TEST_DB_KIND})`, () => {
  it('sends a signed-out browser to the sign-in page, and refuses signed-out posts', async () => {
    const b = new PortalBrowser(t, smtp.accepted)
    for (const url of [...INNER_GETS, `/portal/licenses/${acme.license.id}`]) {
      const res = await b.get(url)
      expect(res.statusCode, url).toBe(303)
      expect(res.headers.location).toBe(`/portal/login?next=${encodeURIComponent(url)}`)
    }
    await b.get('/portal/login')
    for (const url of [
      '/portal/billing',
      '/portal/team/invite',
      `/portal/deployments/${acmeDep}/free`,
      `/portal/licenses/${acme.license.id}/key`,
    ]) {
      expect((await b.post(url, { confirm: 'yes' })).statusCode, url).toBe(401)
    }
  })

  it('answers the email step identically for known and unknown emails', async () => {
    const b = new PortalBrowser(t, smtp.accepted)
    await b.get('/portal/login')
    const known = await b.post('/portal/login', { email: 'buyer@acme.test' })
    const unknown = await b.post('/portal/login', { email: 'nobody@acme.test' })
    const strip = (html: string) =>
      html
        .replace(/[A-Za-z0-9_-]{43}/g, 'TOKEN')
        .replace(/buyer@acme\.test|nobody@acme\.test/g, 'EMAIL')
    expect(known.statusCode).toBe(200)
    expect(strip(unknown.body)).toBe(strip(known.body))
    const bad = await b.post('/portal/login', { email: 'not-an-email' })
    expect(bad.statusCode).toBe(400)
    expect(bad.body).toContain('Enter a valid email address')
  })

  it('shows wrong and expired codes on the page, then locks after 5 wrong codes', async () => {
    const b = new PortalBrowser(t, smtp.accepted)
    await b.get('/portal/login')
    await b.post('/portal/login', { email: 'buyer@acme.test' })
    for (let i = 0; i < 4; i++) {
      const res = await b.post('/portal/login/code', { email: 'buyer@acme.test', code: '99999x' })
      expect(res.statusCode).toBe(400)
      expect(res.body).toContain('That code is not right')
    }
    const locked = await b.post('/portal/login/code', { email: 'buyer@acme.test', code: '999999' })
    expect(locked.statusCode).toBe(429)
    expect(locked.body).toMatch(/locked for 15 minutes/)
    expect(b.jar.has('tg_portal')).toBe(false)
    t.clock.advance(16 * 60_000)
  })

  it('refuses forms without a CSRF token or from another origin', async () => {
    const b = new PortalBrowser(t, smtp.accepted)
    await b.signIn('buyer@acme.test')
    const noToken = await b.post('/portal/team/invite', { email: 'x@acme.test', _csrf: '' })
    expect(noToken.statusCode).toBe(403)
    const foreign = await b.post(
      '/portal/team/invite',
      { email: 'x@acme.test' },
      { origin: 'https://evil.test' },
    )
    expect(foreign.statusCode).toBe(403)
    const people = await t.db
      .selectFrom('portal_users')
      .select('email')
      .where('email', '=', 'x@acme.test')
      .execute()
    expect(people).toEqual([])
  })

  it('turns a 50 MB form into a clear 413 page, writing nothing', async () => {
    const b = new PortalBrowser(t, smtp.accepted)
    await b.get('/portal/login')
    const res = await t.app.inject({
      method: 'POST',
      url: '/portal/login',
      headers: {
        cookie: b.cookie,
        origin: ORIGIN,
        'content-type': 'application/x-www-form-urlencoded',
      },
      payload: `_csrf=${b.token}&email=${'a'.repeat(50 * 1024 * 1024)}`,
    })
    expect(res.statusCode).toBe(413)
    expect(res.headers['content-type']).toMatch(/text\/html/)
    expect(res.body).toContain('too large')
  })
})

describe(`portal pages: customer isolation (${TEST_DB_KIND})`, () => {
  it("customer B never sees or touches customer A's license, seats or key", async () => {
    const b = new PortalBrowser(t, smtp.accepted)
    await b.signIn('boss@globex.test')
    const home = await b.get('/portal')
    expect(home.body).toContain(globex.license.id)
    expect(home.body).not.toContain(acme.license.id)
    expect((await b.get(`/portal/licenses/${acme.license.id}`)).statusCode).toBe(404)
    expect((await b.get('/portal/licenses/lic_nothing')).statusCode).toBe(404)
    expect(
      (await b.post(`/portal/licenses/${acme.license.id}/key`, { confirm: 'yes', as: 'file' }))
        .statusCode,
    ).toBe(404)
    expect((await b.post(`/portal/deployments/${acmeDep}/free`)).statusCode).toBe(404)
    const dep = await t.db
      .selectFrom('deployments')
      .select('status')
      .where('id', '=', acmeDep)
      .executeTakeFirstOrThrow()
    expect(dep.status).toBe('active')
    // Escaped, never markup.
    expect(home.body).not.toContain('<script>alert(1)</script>')
  })

  it('another tenant on the same server: its portal is separate', async () => {
    const other = await t.addTenant('rival')
    const rival = await seedPortalCustomer(t, 'buyer@rival.test', {
      key: other.adminKey,
      tenantId: other.tenantId,
    })
    const b = new PortalBrowser(t, smtp.accepted)
    await b.signIn('buyer@rival.test', { tenant: other.tenantId })
    const home = await b.get('/portal')
    expect(home.body).toContain(rival.license.id)
    expect((await b.get(`/portal/licenses/${acme.license.id}`)).statusCode).toBe(404)
    expect((await b.get('/portal/login?tenant=ten_doesnotexist00')).statusCode).toBe(404)
  })
})

describe(`portal pages: what a customer does (${TEST_DB_KIND})`, () => {
  it('shows the license, reveals the key only after confirmation, and downloads a verifiable file', async () => {
    const b = new PortalBrowser(t, smtp.accepted)
    await b.signIn('buyer@acme.test')
    const page = await b.get(`/portal/licenses/${acme.license.id}`)
    expect(page.body).toContain('Pro (pro)')
    expect(page.body).toContain('sso, audit')
    expect(page.body).toContain('acme-1')
    const unconfirmed = await b.post(`/portal/licenses/${acme.license.id}/key`, { as: 'show' })
    expect(unconfirmed.statusCode).toBe(400)
    expect(unconfirmed.body).not.toContain('data-testid="license-key"')
    const shown = await b.post(`/portal/licenses/${acme.license.id}/key`, {
      as: 'show',
      confirm: 'yes',
    })
    expect(shown.body).toMatch(/data-testid="license-key">TG1-/)
    const file = await b.post(`/portal/licenses/${acme.license.id}/key`, {
      as: 'file',
      confirm: 'yes',
    })
    expect(file.headers['content-disposition']).toBe(
      `attachment; filename="license-${acme.license.id}.key"`,
    )
    const jwks = (await t.app.inject({ url: '/.well-known/jwks.json' })).json<Jwks>()
    expect(verifyLicense(file.body.trim(), jwks, { now: t.clock.now() }).claims.jti).toBe(
      acme.license.id,
    )
  })

  it('frees a seat once, then shows the cooldown on the page', async () => {
    const b = new PortalBrowser(t, smtp.accepted)
    await b.signIn('buyer@acme.test')
    const freed = await b.post(`/portal/deployments/${acmeDep}/free`)
    expect(freed.statusCode).toBe(303)
    expect(freed.headers.location).toBe(`/portal/licenses/${acme.license.id}?freed=1`)
    const second = (await activate(t, acme.token, 'acme-2')).id!
    await b.get(`/portal/licenses/${acme.license.id}`)
    const refused = await b.post(`/portal/deployments/${second}/free`)
    expect(refused.statusCode).toBe(409)
    expect(refused.body).toContain('freed recently')
  })

  it('invites a colleague; a member cannot invite or open billing', async () => {
    const b = new PortalBrowser(t, smtp.accepted)
    await b.signIn('buyer@acme.test')
    await b.get('/portal/team')
    const res = await b.post('/portal/team/invite', { email: 'dev@acme.test', role: 'member' })
    expect(res.statusCode, res.body).toBe(200)
    expect(res.body).toContain('Invitation sent to dev@acme.test')
    const dup = await b.post('/portal/team/invite', { email: 'dev@acme.test', role: 'member' })
    expect(dup.statusCode).toBe(409)
    const dev = new PortalBrowser(t, smtp.accepted)
    await dev.signIn('dev@acme.test')
    const team = await dev.get('/portal/team')
    expect(team.body).not.toContain('Invite a colleague')
    expect((await dev.post('/portal/team/invite', { email: 'x@acme.test' })).statusCode).toBe(403)
    expect((await dev.post('/portal/billing')).statusCode).toBe(403)
  })

  it('a support link works once, read-only, and the customer sees it', async () => {
    const link = await post<{ url: string }>(
      t,
      `/v1/admin/customers/${acme.customer.id}/portal-link`,
      undefined,
    )
    const path = new URL(link.url).pathname
    const s = new PortalBrowser(t, smtp.accepted)
    const confirm = await s.get(path)
    expect(confirm.statusCode).toBe(200)
    const used = await s.post(path)
    expect(used.statusCode).toBe(303)
    const home = await s.get('/portal')
    expect(home.body).toContain('data-testid="support-banner"')
    expect(home.body).toContain(acme.license.id)
    const license = await s.get(`/portal/licenses/${acme.license.id}`)
    expect(license.body).not.toContain('Free this seat')
    expect(
      (await s.post(`/portal/licenses/${acme.license.id}/key`, { confirm: 'yes', as: 'file' }))
        .statusCode,
    ).toBe(403)
    const again = new PortalBrowser(t, smtp.accepted)
    await again.get(path)
    const reuse = await again.post(path)
    expect(reuse.statusCode).toBe(404)
    expect(reuse.body).toContain('already used')
    const b = new PortalBrowser(t, smtp.accepted)
    await b.signIn('buyer@acme.test')
    expect((await b.get('/portal')).body).toContain('data-testid="support-visits"')
  })
})
