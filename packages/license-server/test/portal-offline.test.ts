// Customer portal, offline page (issues 17 and 18): an activation request pasted in gives the
// signed machine file back; a deactivation proof frees the seat; both only for the customer's
// own licenses. And the team page's role change (last admin cannot be demoted). Server-rendered
// pages on the real app, signed in with codes from a local SMTP catcher.
import {
  createActivationRequest,
  exportPublicJwk,
  generateKeyPair,
  signDeactivationProof,
  verifyMachineFile,
  type Ed25519KeyPair,
  type KeySet,
} from '@tollgate/license-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { billingConfig } from './billing-fixtures.js'
import { fetchKeys } from './fleet-support.js'
import { fakeSmtp } from './helpers/fake-smtp.js'
import { post } from './helpers/fixtures.js'
import { createTestApp, type TestApp } from './helpers/test-app.js'
import { TEST_DB_KIND } from './helpers/test-db.js'
import { seedPortalCustomer, type PortalCustomer } from './portal-support.js'
import { ORIGIN, PortalBrowser } from './portal-web-support.js'

let t: TestApp
let smtp: Awaited<ReturnType<typeof fakeSmtp>>
let acme: PortalCustomer
let globex: PortalCustomer
let keys: KeySet

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
  acme = await seedPortalCustomer(t, 'buyer@acme.test', { maxDeployments: 1 })
  globex = await seedPortalCustomer(t, 'boss@globex.test')
  keys = await fetchKeys(t.app)
})
afterAll(async () => {
  await t.close()
  smtp.server.close()
})

let n = 0
function machineRequest(licenseId: string): { text: string; key: Ed25519KeyPair } {
  n++
  const key = generateKeyPair()
  const x = exportPublicJwk(key.publicKey, key.kid).x
  const request = createActivationRequest({
    licenseId,
    deploymentId: `dep_portal_${n}`,
    fingerprint: { machineId: `${n}`.padStart(32, 'e'), hostname: `h${n}`, container: false },
    deploymentKey: { kty: 'OKP', crv: 'Ed25519', x },
  })
  return { text: JSON.stringify(request, null, 2), key: { ...key, kid: x } }
}

const seats = async (licenseId: string) =>
  (
    await t.db
      .selectFrom('deployments')
      .select('id')
      .where('license_id', '=', licenseId)
      .where('status', '=', 'active')
      .execute()
  ).length

describe(`portal offline page (${TEST_DB_KIND})`, () => {
  it('turns a pasted activation request into a machine file download; a proof frees the seat', async () => {
    const b = new PortalBrowser(t, smtp.accepted)
    await b.signIn('buyer@acme.test')
    const page = await b.get('/portal/offline')
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('action="/portal/offline/activate"')
    expect(page.body).not.toContain('not available on this server yet')

    const m = machineRequest(acme.license.id)
    const res = await b.post('/portal/offline/activate', { request: m.text })
    expect(res.statusCode, res.body).toBe(200)
    expect(res.headers['content-disposition']).toBe('attachment; filename="machine.lic"')
    const claims = verifyMachineFile(res.body.trim(), keys)
    expect(claims.lid).toBe(acme.license.id)
    expect(await seats(acme.license.id)).toBe(1)
    const audit = await t.db
      .selectFrom('audit_log')
      .select(['actor', 'action'])
      .where('target_id', '=', claims.jti)
      .execute()
    expect(audit).toEqual([
      { action: 'offline_activation.create', actor: `portal:${acme.principal.userId}` },
    ])

    // The plan's one seat is taken: a second machine gets the message on the page.
    const full = await b.post('/portal/offline/activate', {
      request: machineRequest(acme.license.id).text,
    })
    expect(full.statusCode).toBe(409)
    expect(full.body).toContain('Every deployment seat of the license is in use')

    const proof = signDeactivationProof(claims, m.key, new Date())
    const freed = await b.post('/portal/offline/deactivate', { proof })
    expect(freed.statusCode, freed.body).toBe(200)
    expect(freed.body).toContain('The seat is free')
    expect(await seats(acme.license.id)).toBe(0)
    const replay = await b.post('/portal/offline/deactivate', { proof })
    expect(replay.body).toContain('already used; nothing changed')
  })

  it('garbage, another customer, no CSRF: a message on the page and nothing written', async () => {
    const b = new PortalBrowser(t, smtp.accepted)
    await b.signIn('boss@globex.test')
    await b.get('/portal/offline')
    const garbage = await b.post('/portal/offline/activate', { request: '{"format": "nope"}' })
    expect(garbage.statusCode).toBe(400)
    expect(garbage.body).toContain('Activation request refused')
    const unicode = await b.post('/portal/offline/activate', { request: 'caf\u00e9 \u202e' })
    expect(unicode.statusCode).toBe(400)
    // Acme's license from Globex's session: not found, and no seat taken.
    const before = await seats(acme.license.id)
    const foreign = await b.post('/portal/offline/activate', {
      request: machineRequest(acme.license.id).text,
    })
    expect(foreign.statusCode).toBe(404)
    expect(foreign.body).toContain('not yours')
    expect(await seats(acme.license.id)).toBe(before)
    const badProof = await b.post('/portal/offline/deactivate', { proof: 'a.b.c' })
    expect(badProof.statusCode).toBe(400)
    const noCsrf = await b.post('/portal/offline/activate', {
      request: machineRequest(globex.license.id).text,
      _csrf: '',
    })
    expect(noCsrf.statusCode).toBe(403)
    const foreignOrigin = await b.post(
      '/portal/offline/activate',
      { request: machineRequest(globex.license.id).text },
      { origin: 'https://evil.test' },
    )
    expect(foreignOrigin.statusCode).toBe(403)
    expect(await seats(globex.license.id)).toBe(0)
    const huge = await t.app.inject({
      method: 'POST',
      url: '/portal/offline/activate',
      headers: {
        cookie: b.cookie,
        origin: ORIGIN,
        'content-type': 'application/x-www-form-urlencoded',
      },
      payload: `_csrf=${b.token}&request=${'a'.repeat(50 * 1024 * 1024)}`,
    })
    expect(huge.statusCode).toBe(413)
  })
})

describe(`portal team: changing a person's role (${TEST_DB_KIND})`, () => {
  it('an admin promotes and demotes; the last admin cannot demote themselves; members cannot', async () => {
    const colleague = await post<{ id: string }>(
      t,
      `/v1/admin/customers/${acme.customer.id}/portal-users`,
      { email: 'dev@acme.test', role: 'member' },
    )
    const admin = new PortalBrowser(t, smtp.accepted)
    await admin.signIn('buyer@acme.test')
    const team = await admin.get('/portal/team')
    expect(team.body).toContain(`action="/portal/team/${colleague.id}/role"`)

    const alone = await admin.post(`/portal/team/${acme.principal.userId}/role`, { role: 'member' })
    expect(alone.statusCode).toBe(409)
    expect(alone.body).toContain('at least one admin')

    const member = new PortalBrowser(t, smtp.accepted)
    await member.signIn('dev@acme.test')
    await member.get('/portal/team')
    const refused = await member.post(`/portal/team/${colleague.id}/role`, { role: 'admin' })
    expect(refused.statusCode).toBe(403)

    const promoted = await admin.post(`/portal/team/${colleague.id}/role`, { role: 'admin' })
    expect(promoted.statusCode, promoted.body).toBe(200)
    expect(promoted.body).toContain('dev@acme.test is now an admin')
    // Two admins now: the first may step down.
    const down = await admin.post(`/portal/team/${acme.principal.userId}/role`, { role: 'member' })
    expect(down.statusCode, down.body).toBe(200)
    const bad = await member.post(`/portal/team/${acme.principal.userId}/role`, { role: 'owner' })
    expect(bad.statusCode).toBe(400)
    // Another customer's person is not found.
    const other = await member.post(`/portal/team/${globex.principal.userId}/role`, {
      role: 'member',
    })
    expect(other.statusCode).toBe(404)

    const audit = await t.db
      .selectFrom('audit_log')
      .select(['actor', 'action', 'target_id'])
      .where('action', '=', 'portal_user.update')
      .where('target_id', 'in', [colleague.id, acme.principal.userId])
      .execute()
    expect(audit).toHaveLength(2)
  })
})
