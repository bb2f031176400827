import {
  LicenseError,
  verifyLease,
  verifyRevocationList,
  type KeySet,
} from '@tollgate/license-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seedLicense } from './helpers/fixtures.js'
import { createTestApp, type TestApp } from './helpers/test-app.js'
import { fetchKeys, publicPost } from './fleet-support.js'

let t: TestApp
let keys: KeySet
beforeAll(async () => {
  t = await createTestApp()
  keys = await fetchKeys(t.app)
})
afterAll(() => t.close())

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'

/** Every single-character edit of `jws` (each position, a different character). */
function* everyByteEdited(jws: string): Generator<string> {
  for (let i = 0; i < jws.length; i++) {
    const c = jws[i]!
    const replacement = c === '.' ? 'A' : B64URL[(B64URL.indexOf(c) + 1) % 64]!
    yield jws.slice(0, i) + replacement + jws.slice(i + 1)
  }
}

function expectAllRejected(jws: string, verify: (s: string) => unknown): void {
  let rejected = 0
  for (const edited of everyByteEdited(jws)) {
    try {
      verify(edited)
    } catch (err) {
      expect(err).toBeInstanceOf(LicenseError)
      rejected++
      continue
    }
    throw new Error(`an edited copy verified: ${edited}`)
  }
  expect(rejected).toBe(jws.length)
}

describe('signed formats', () => {
  it('a lease with any byte edited fails verification in the client codec', async () => {
    const { token, license } = await seedLicense(t)
    const res = await publicPost(t.app, '/v1/deployments/activate', {
      key: token,
      deploymentId: 'inst-1',
    })
    const { lease } = res.json<{ lease: string }>()
    expect(verifyLease(lease, keys)).toMatchObject({ lid: license.id, deployment: 'inst-1' })
    expectAllRejected(lease, (s) => verifyLease(s, keys))
    // Also under the portable engine.
    expectAllRejected(lease, (s) => verifyLease(s, keys, { engine: 'tweetnacl' }))
  })

  it('serves a signed revocation list that learns revocations and suspensions at once', async () => {
    const revoked = await seedLicense(t)
    const suspended = await seedLicense(t)
    const fine = await seedLicense(t)
    expect(
      (
        await t.request('POST', `/v1/admin/licenses/${revoked.license.id}/revoke`, {
          reason: 'chargeback',
        })
      ).statusCode,
    ).toBe(200)
    expect(
      (
        await t.request('POST', `/v1/admin/licenses/${suspended.license.id}/suspend`, {
          reason: 'audit',
        })
      ).statusCode,
    ).toBe(200)

    const res = await t.app.inject({ method: 'GET', url: '/v1/revocations' })
    expect(res.statusCode, res.body).toBe(200)
    const body = res.json<{ list: string; issuedAt: string; nextUpdate: string }>()
    const list = verifyRevocationList(body.list, keys)
    expect(list.revoked).toContain(revoked.license.id)
    expect(list.suspended).toContain(suspended.license.id)
    expect([...list.revoked, ...list.suspended]).not.toContain(fine.license.id)
    expect(list.iss).toBe(t.tenantId)
    const nowS = Math.floor(t.clock.now().getTime() / 1000)
    expect(list.iat).toBe(nowS)
    expect(list.nextUpdate).toBe(nowS + 3600)
    expect(body.issuedAt).toBe(new Date(nowS * 1000).toISOString())

    // Air-gapped export: the bare JWS.
    const raw = await t.app.inject({ method: 'GET', url: '/v1/revocations?format=jws' })
    expect(raw.statusCode).toBe(200)
    expect(raw.headers['content-type']).toMatch(/^application\/jose/)
    expect(verifyRevocationList(raw.body, keys).revoked).toContain(revoked.license.id)

    // Reinstating lifts the suspension in the next list; a fresh revocation shows at once.
    expect(
      (await t.request('POST', `/v1/admin/licenses/${suspended.license.id}/reinstate`)).statusCode,
    ).toBe(200)
    expect(
      (await t.request('POST', `/v1/admin/licenses/${fine.license.id}/revoke`, { reason: 'x' }))
        .statusCode,
    ).toBe(200)
    const next = verifyRevocationList(
      (await t.app.inject({ method: 'GET', url: '/v1/revocations' })).json<{ list: string }>().list,
      keys,
    )
    expect(next.suspended).not.toContain(suspended.license.id)
    expect(next.revoked).toEqual(expect.arrayContaining([revoked.license.id, fine.license.id]))
  })

  it('a revocation list with any byte edited fails verification in the client codec', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/v1/revocations?format=jws' })
    expectAllRejected(res.body, (s) => verifyRevocationList(s, keys))
  })

  it("serves another tenant's list on ?tenant= and 404 for an unknown tenant", async () => {
    const other = await t.addTenant('Globex')
    const res = await t.app.inject({
      method: 'GET',
      url: `/v1/revocations?tenant=${other.tenantId}`,
    })
    expect(res.statusCode).toBe(200)
    const jwks = await t.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })
    expect(jwks.statusCode).toBe(200)
    const unknown = await t.app.inject({
      method: 'GET',
      url: '/v1/revocations?tenant=ten_000000000000000000000000',
    })
    expect(unknown.statusCode).toBe(404)
    expect(unknown.json()).toMatchObject({ code: 'NOT_FOUND' })
  })

  it('exposes fleet metrics', async () => {
    const { token } = await seedLicense(t)
    await publicPost(t.app, '/v1/deployments/heartbeat', { key: token, deploymentId: 'm-1' })
    await publicPost(t.app, '/v1/deployments/heartbeat', { key: token, deploymentId: 'm-1' })
    const res = await t.app.inject({ method: 'GET', url: '/metrics' })
    expect(res.statusCode).toBe(200)
    const recorded = /^tollgate_fleet_heartbeats_recorded (\d+)$/m.exec(res.body)
    expect(Number(recorded?.[1])).toBeGreaterThanOrEqual(1)
    expect(res.body).toMatch(/^tollgate_fleet_heartbeats_pending \d+$/m)
  })

  it('documents the fleet routes in the OpenAPI document', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/docs/json' })
    expect(res.statusCode).toBe(200)
    const paths = Object.keys(res.json<{ paths: Record<string, unknown> }>().paths)
    expect(paths).toEqual(
      expect.arrayContaining([
        '/v1/deployments/activate',
        '/v1/deployments/heartbeat',
        '/v1/deployments/deactivate',
        '/v1/usage',
        '/v1/violations',
        '/v1/revocations',
        '/v1/admin/licenses/{id}/deployments',
        '/v1/admin/deployments/{id}/deactivate',
        '/v1/admin/licenses/{id}/usage',
        '/v1/admin/violations',
      ]),
    )
  })

  // Last in the file: it rotates the tenant's signing key.
  it('signs leases with the new key after a rotation, and refuses keys signed by a removed key', async () => {
    const { token, license } = await seedLicense(t)
    const hb = () =>
      publicPost(t.app, '/v1/deployments/heartbeat', { key: token, deploymentId: 'rot-1' })
    const before = (await hb()).json<{ lease: string }>().lease
    const oldKid = JSON.parse(Buffer.from(before.split('.')[0]!, 'base64url').toString()) as {
      kid: string
    }
    expect((await t.request('POST', '/v1/admin/signing-keys/rotate')).statusCode).toBe(201)
    const after = (await hb()).json<{ lease: string }>().lease
    const header = JSON.parse(Buffer.from(after.split('.')[0]!, 'base64url').toString()) as {
      kid: string
    }
    expect(header.kid).not.toBe(oldKid.kid)
    expect(verifyLease(after, await fetchKeys(t.app)).lid).toBe(license.id)

    expect(
      (await t.request('POST', `/v1/admin/signing-keys/${oldKid.kid}/retire`)).statusCode,
    ).toBe(200)
    expect((await t.request('DELETE', `/v1/admin/signing-keys/${oldKid.kid}`)).statusCode).toBe(204)
    const refused = await hb()
    expect(refused.statusCode, refused.body).toBe(401)
    expect(refused.json()).toMatchObject({ code: 'INVALID_LICENSE_KEY' })
    const reissued = await t.request('POST', `/v1/admin/licenses/${license.id}/reissue`)
    const fresh = reissued.json<{ token: string }>().token
    const ok = await publicPost(t.app, '/v1/deployments/heartbeat', {
      key: fresh,
      deploymentId: 'rot-1',
    })
    expect(ok.statusCode, ok.body).toBe(200)
  })
})
