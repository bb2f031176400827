// Offline activation of air-gapped machines (issue 18), server side: activation request ->
// signed machine file (a seat, like an online activation) -> deactivation proof frees it.
// PGlite by default; Postgres with TEST_DATABASE_URL.
import {
  createActivationRequest,
  exportPublicJwk,
  generateKeyPair,
  signDeactivationProof,
  verifyMachineFile,
  verifyRevocationList,
  type ActivationRequest,
  type Ed25519KeyPair,
  type KeySet,
  type MachineFileClaims,
} from '@tollgate/license-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cullDeadDeployments } from '../src/deployments/cull-dead-deployments.js'
import { DAY } from './helpers/clock.js'
import { post, seedLicense, type Obj } from './helpers/fixtures.js'
import { createTestApp, type TestApp } from './helpers/test-app.js'
import { expectError, fetchKeys, publicPost } from './fleet-support.js'

let t: TestApp
let keys: KeySet
beforeAll(async () => {
  t = await createTestApp()
  keys = await fetchKeys(t.app)
})
afterAll(() => t.close())

let n = 0
/** One air-gapped machine: its fingerprint and its own deployment key. */
function machine(licenseId: string): { request: ActivationRequest; key: Ed25519KeyPair } {
  n++
  const key = generateKeyPair()
  const x = exportPublicJwk(key.publicKey, key.kid).x
  const request = createActivationRequest({
    licenseId,
    deploymentId: `dep_offline_${n}`,
    fingerprint: {
      machineId: n.toString(16).padStart(32, '0'),
      hostname: `m${n}`,
      container: false,
    },
    appVersion: '3.0.0',
    deploymentKey: { kty: 'OKP', crv: 'Ed25519', x },
  })
  return { request, key: { ...key, kid: x } }
}

const create = (licenseId: string, body: object, key?: string) =>
  t.request('POST', `/v1/admin/licenses/${licenseId}/offline-activations`, body, key)
const deactivate = (proof: string, key?: string) =>
  t.request('POST', '/v1/admin/offline-activations/deactivate', { proof }, key)

async function activeSeats(licenseId: string): Promise<number> {
  const res = await t.request('GET', `/v1/admin/licenses/${licenseId}/deployments?status=active`)
  return res.json<{ items: Obj[] }>().items.length
}

interface Created {
  machineFile: string
  activation: { id: string; deploymentId: string; expiresAt: string }
  seats: { used: number; max: number }
  revocationsEmbedded: boolean
}

describe('machine file', () => {
  it('signs a machine file bound to the fingerprint, taking a seat; the same request again re-signs it', async () => {
    const { license } = await seedLicense(t)
    const m = machine(license.id)
    const res = await create(license.id, { request: JSON.stringify(m.request), validDays: 90 })
    expect(res.statusCode, res.body).toBe(201)
    const body = res.json<Created>()
    const claims: MachineFileClaims = verifyMachineFile(body.machineFile, keys)
    expect(claims).toMatchObject({
      typ: 'machine',
      lid: license.id,
      deployment: m.request.deploymentId,
      fpr: m.request.fingerprint.machineId,
      dpk: m.request.deploymentKey.x,
      iss: t.tenantId,
      jti: body.activation.id,
    })
    expect(claims.exp - claims.iat).toBe(90 * 86_400)
    // The embedded revocation checkpoint is the tenant's signed list.
    expect(body.revocationsEmbedded).toBe(true)
    expect(verifyRevocationList(claims.rl!, keys).iat).toBe(claims.iat)
    expect(body.seats).toEqual({ used: 1, max: 3 })
    expect(await activeSeats(license.id)).toBe(1)

    const again = await create(license.id, { request: m.request })
    expect(again.statusCode, again.body).toBe(200)
    expect(verifyMachineFile(again.json<Created>().machineFile, keys).jti).toBe(claims.jti)
    expect(await activeSeats(license.id)).toBe(1)

    const audit = await t.request('GET', `/v1/admin/audit?targetId=${claims.jti}`)
    expect(audit.json<{ items: { action: string }[] }>().items.map((i) => i.action)).toContain(
      'offline_activation.create',
    )
    const metric = await t.app.tollgate.metrics.registry.getSingleMetricAsString(
      'tollgate_offline_activations_total',
    )
    expect(metric).toMatch(/outcome="activated"} [1-9]/)
    expect(metric).toMatch(/outcome="reissued"} [1-9]/)
  })

  it('counts against maxDeployments together with online activations (TOO_MANY_DEPLOYMENTS)', async () => {
    const { license, token } = await seedLicense(t) // maxDeployments 3
    for (const id of ['online-1', 'online-2']) {
      const r = await publicPost(t.app, '/v1/deployments/activate', {
        key: token,
        deploymentId: id,
      })
      expect(r.statusCode, r.body).toBe(200)
    }
    expect((await create(license.id, { request: machine(license.id).request })).statusCode).toBe(
      201,
    )
    expectError(
      await create(license.id, { request: machine(license.id).request }),
      409,
      'TOO_MANY_DEPLOYMENTS',
    )
    const online = await publicPost(t.app, '/v1/deployments/activate', {
      key: token,
      deploymentId: 'online-3',
    })
    expectError(online, 409, 'TOO_MANY_DEPLOYMENTS')
    expect(await activeSeats(license.id)).toBe(3)
  })

  it('exact under concurrency: 12 machines at once against 3 seats get exactly 3 files', async () => {
    const { license } = await seedLicense(t)
    const results = await Promise.all(
      Array.from({ length: 12 }, () =>
        create(license.id, { request: machine(license.id).request }),
      ),
    )
    expect(results.filter((r) => r.statusCode === 201)).toHaveLength(3)
    for (const r of results.filter((x) => x.statusCode !== 201)) {
      expectError(r, 409, 'TOO_MANY_DEPLOYMENTS')
    }
    expect(await activeSeats(license.id)).toBe(3)
  })

  it('refuses garbage requests, other licenses and tenants, and licenses that cannot take a seat', async () => {
    const { license } = await seedLicense(t)
    const { license: other } = await seedLicense(t)
    const good = machine(license.id).request
    for (const request of [
      'not json',
      '{"format":"tollgate-activation-request"}',
      JSON.stringify({ ...good, licenseId: 'lic_\u0000' }),
      JSON.stringify({ ...good, fingerprint: null }),
      { ...good, deploymentKey: { kty: 'RSA' } },
      'x'.repeat(16_000),
    ]) {
      expectError(await create(license.id, { request }), 400, 'ACTIVATION_REQUEST_INVALID')
    }
    expectError(await create(other.id, { request: good }), 400, 'ACTIVATION_REQUEST_INVALID')
    expectError(await create(license.id, { request: 'x'.repeat(20_000) }), 400, 'VALIDATION_FAILED')
    const b = await t.addTenant()
    expectError(await create(license.id, { request: good }, b.adminKey), 404, 'NOT_FOUND')
    await post(t, `/v1/admin/licenses/${license.id}/revoke`, { reason: 'test' }, 200)
    expectError(await create(license.id, { request: good }), 403, 'LICENSE_REVOKED')
  })
})

describe('deactivation proof', () => {
  it('frees the seat; a replay changes nothing; a forged proof or another tenant is refused', async () => {
    const { license } = await seedLicense(t)
    const m = machine(license.id)
    const created = (await create(license.id, { request: m.request })).json<Created>()
    const claims = verifyMachineFile(created.machineFile, keys)
    expect(await activeSeats(license.id)).toBe(1)

    const forger = generateKeyPair()
    const forged = signDeactivationProof(claims, { ...forger, kid: m.key.kid }, new Date())
    expectError(await deactivate(forged), 400, 'DEACTIVATION_PROOF_INVALID')
    expectError(await deactivate('garbage'), 400, 'DEACTIVATION_PROOF_INVALID')
    const proof = signDeactivationProof(claims, m.key, new Date())
    const b = await t.addTenant()
    expectError(await deactivate(proof, b.adminKey), 404, 'NOT_FOUND')
    expect(await activeSeats(license.id)).toBe(1)

    const res = await deactivate(proof)
    expect(res.statusCode, res.body).toBe(200)
    expect(res.json()).toMatchObject({ deactivated: true, seatFreed: true })
    expect(await activeSeats(license.id)).toBe(0)
    const replay = await deactivate(proof)
    expect(replay.json()).toMatchObject({ deactivated: false, seatFreed: false })
    // The deactivated request cannot be turned into a file again.
    expectError(await create(license.id, { request: m.request }), 400, 'ACTIVATION_REQUEST_INVALID')
    // A new request from the same machine takes the seat again.
    const fresh = createActivationRequest({ ...m.request, createdAt: new Date() })
    expect((await create(license.id, { request: fresh })).statusCode).toBe(201)
    expect(await activeSeats(license.id)).toBe(1)
  })

  it('an expired machine file frees its seat through the dead-deployment job', async () => {
    const { license } = await seedLicense(t)
    const created = await create(license.id, { request: machine(license.id).request, validDays: 1 })
    expect(created.statusCode, created.body).toBe(201)
    expect(await activeSeats(license.id)).toBe(1)
    t.clock.advance(2 * DAY)
    const { culled } = await cullDeadDeployments(t.app.fleet)
    expect(culled.filter((c) => c.licenseId === license.id)).toHaveLength(1)
    expect(await activeSeats(license.id)).toBe(0)
  })
})
