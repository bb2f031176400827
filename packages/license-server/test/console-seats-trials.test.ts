// Staff console (issues 16 and 18): the license page's "Floating seats" (release with a tick
// and a reason, audited with the member as actor) and "Offline activations" sections, and the
// trials page — all on the API's own services, on the real app with app.inject().
import { createActivationRequest, exportPublicJwk, generateKeyPair } from '@tollgate/license-client'
import type { LightMyRequestResponse } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { publicPost } from './fleet-support.js'
import { createStaff, signInStaff, type TestStaff } from './helpers/console-support.js'
import { POLICY, post, seedLicense, type Obj } from './helpers/fixtures.js'
import { createTestApp, type TestApp } from './helpers/test-app.js'
import { TEST_DB_KIND } from './helpers/test-db.js'

let t: TestApp
let support: TestStaff
let readOnly: TestStaff
let license: Obj
let token: string

const held = () =>
  t.db.selectFrom('seat_leases').select('id').where('license_id', '=', license.id).execute()
const releases = (actor: string) =>
  t.db
    .selectFrom('audit_log')
    .select(['target_id', 'after'])
    .where('action', '=', 'seat.release')
    .where('actor', '=', actor)
    .execute()

async function checkout(scope: string): Promise<string> {
  const res = await publicPost(t.app, '/v1/seats/checkout', { key: token, scope })
  expect(res.statusCode, res.body).toBe(200)
  return res.json<{ leaseId: string }>().leaseId
}

function form(res: LightMyRequestResponse, leaseId: string): string {
  expect(res.statusCode, res.body.slice(0, 500)).toBe(200)
  return `/console/licenses/${license.id}/seats/${leaseId}/release`
}

beforeAll(async () => {
  t = await createTestApp()
  support = await createStaff(t, 'support')
  readOnly = await createStaff(t, 'read-only')
  const seeded = await seedLicense(t, {
    plan: {
      policy: { ...POLICY, floating: { seats: 3, leaseTtlS: 300, overage: 'deny' } },
    },
  })
  license = seeded.license
  token = seeded.token
  const key = generateKeyPair()
  const request = createActivationRequest({
    licenseId: license.id,
    deploymentId: 'dep_airgap_1',
    fingerprint: { machineId: 'f'.repeat(32), hostname: 'vault', container: false },
    deploymentKey: { kty: 'OKP', crv: 'Ed25519', x: exportPublicJwk(key.publicKey, key.kid).x },
    appVersion: '4.2.0',
  })
  await post(t, `/v1/admin/licenses/${license.id}/offline-activations`, { request, validDays: 30 })
})
afterAll(() => t.close())

describe(`console floating seats, offline activations, trials (${TEST_DB_KIND})`, () => {
  it('shows both sections; support releases a seat with a tick and a reason, audited', async () => {
    const leaseId = await checkout('build-agent-<1>')
    const b = await signInStaff(t, support)
    const page = await b.get(`/console/licenses/${license.id}`)
    const action = form(page, leaseId)
    expect(page.body).toContain('Floating seats')
    expect(page.body).toContain('1 of 3 floating seats in use')
    expect(page.body).toContain('build-agent-&lt;1&gt;')
    expect(page.body).toContain(`action="${action}"`)
    expect(page.body).toContain('Offline activations')
    expect(page.body).toContain('machine ffffffffffff…')
    expect(page.body).toContain('dep_airgap_1')
    expect(page.body).toContain('4.2.0')
    expect(page.body).not.toContain('f'.repeat(32))

    const csrf = b.csrf(page.body)
    const noTick = await b.post(action, { reason: 'stuck agent', _csrf: csrf })
    expect(noTick.statusCode).toBe(400)
    expect(noTick.body).toContain('Tick the box to confirm the release')
    const noReason = await b.post(action, { confirm: 'yes', reason: ' ', _csrf: csrf })
    expect(noReason.statusCode).toBe(400)
    expect(noReason.body).toContain('Reason is required')
    expect(await held()).toHaveLength(1)
    expect(await releases(`staff:${support.id}`)).toHaveLength(0)

    const ok = await b.post(action, { confirm: 'yes', reason: 'stuck agent', _csrf: csrf })
    expect(ok.statusCode, ok.body.slice(0, 500)).toBe(200)
    expect(ok.body).toContain('The seat was released')
    expect(ok.body).toContain('0 of 3 floating seats in use')
    expect(await held()).toHaveLength(0)
    const audits = await releases(`staff:${support.id}`)
    expect(audits).toHaveLength(1)
    expect(audits[0]!.target_id).toBe(leaseId)
    expect(JSON.stringify(audits[0]!.after)).toContain('stuck agent')
    // Released already: the service's typed error as a message on the page, not a 500.
    const again = await b.post(action, { confirm: 'yes', reason: 'again', _csrf: csrf })
    expect(again.statusCode).toBe(400)
    expect(again.body).toContain('No such seat lease')
    expect(await releases(`staff:${support.id}`)).toHaveLength(1)
  })

  it('read-only sees the seats without a release button; a forged POST is 403; no CSRF is 403', async () => {
    const leaseId = await checkout('read-only-check')
    const r = await signInStaff(t, readOnly)
    const page = await r.get(`/console/licenses/${license.id}`)
    const action = form(page, leaseId)
    expect(page.body).toContain('read-only-check')
    expect(page.body).toContain('Offline activations')
    expect(page.body).not.toContain(action)
    expect(page.body).not.toContain('Release seat')
    const forged = await r.post(action, {
      confirm: 'yes',
      reason: 'forged',
      _csrf: r.csrf(page.body),
    })
    expect(forged.statusCode).toBe(403)

    const s = await signInStaff(t, support)
    const noCsrf = await s.post(action, { confirm: 'yes', reason: 'no token' })
    expect(noCsrf.statusCode).toBe(403)
    expect(await held()).toHaveLength(1)
    expect(await releases('staff:' + readOnly.id)).toHaveLength(0)
  })

  it("isolates tenants: B's staff get 404 on A's license page and its seat release", async () => {
    const leaseId = (await held())[0]!.id
    const other = await t.addTenant('vendor-b-seats')
    const bOwner = await createStaff(t, 'owner', { tenantId: other.tenantId })
    const b = await signInStaff(t, bOwner)
    const home = await b.get('/console/trials')
    expect(home.statusCode).toBe(200)
    expect((await b.get(`/console/licenses/${license.id}`)).statusCode).toBe(404)
    const res = await b.post(`/console/licenses/${license.id}/seats/${leaseId}/release`, {
      confirm: 'yes',
      reason: 'cross-tenant',
      _csrf: b.csrf(home.body),
    })
    expect(res.statusCode).toBe(404)
    expect(await held()).toHaveLength(1)
  })

  it('lists trials with customer, plan, status and end, filtered by status (the API agrees)', async () => {
    const plan = await post(t, '/v1/admin/plans', {
      name: 'Eval <plan>',
      product: 'acme-app',
      tier: 'trial',
      entitlements: ['sso'],
      policy: POLICY,
      trialDays: 14,
    })
    const first = await post<{ trial: Obj }>(t, '/v1/admin/trials', {
      planId: plan.id,
      email: 'first@trial.test',
      name: 'First <Trial> Co',
    })
    t.clock.advance(20 * 86_400_000)
    const second = await post<{ trial: Obj }>(t, '/v1/admin/trials', {
      planId: plan.id,
      email: 'second@trial.test',
      name: 'Second Co',
    })
    const r = await signInStaff(t, readOnly)
    const nav = await r.get('/console/licenses')
    expect(nav.body).toContain('href="/console/trials"')
    const all = await r.get('/console/trials')
    expect(all.statusCode).toBe(200)
    expect(all.body).toContain('First &lt;Trial&gt; Co')
    expect(all.body).toContain('Eval &lt;plan&gt;')
    expect(all.body).toContain('Second Co')
    expect(all.body).toContain('<span class="badge expired">expired</span>')
    expect(all.body).toContain('<span class="badge active">active</span>')
    expect(all.body).toContain(String(second.trial.endsAt).replace('T', ' ').slice(0, 19))

    const expired = await r.get('/console/trials?status=expired')
    expect(expired.body).toContain('First &lt;Trial&gt; Co')
    expect(expired.body).not.toContain('Second Co')
    const api = await t.request('GET', '/v1/admin/trials?status=expired')
    const ids = api.json<{ items: Array<{ id: string }> }>().items.map((i) => i.id)
    expect(ids).toEqual([first.trial.id])
    const active = await r.get('/console/trials?status=active')
    expect(active.body).toContain('Second Co')
    expect(active.body).not.toContain('First &lt;Trial&gt; Co')
    expect((await r.get('/console/trials?status=bogus')).statusCode).toBe(400)

    const other = await t.addTenant('vendor-b-trials')
    const b = await signInStaff(t, await createStaff(t, 'owner', { tenantId: other.tenantId }))
    const theirs = await b.get('/console/trials')
    expect(theirs.statusCode).toBe(200)
    expect(theirs.body).not.toContain('Second Co')
    expect(theirs.body).toContain('Trials: none')
  })
})
