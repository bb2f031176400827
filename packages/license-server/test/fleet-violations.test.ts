import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seedLicense, validate, type Obj } from './helpers/fixtures.js'
import { createTestApp, type TestApp } from './helpers/test-app.js'
import { buildFleetApp, expectError, publicPost } from './fleet-support.js'

let t: TestApp
/** Second instance without timers: heartbeat flushes (and address checks) run when told. */
let manual: FastifyInstance
beforeAll(async () => {
  t = await createTestApp()
  manual = await buildFleetApp({ db: t.db, clock: t.clock })
})
afterAll(async () => {
  await manual.close()
  await t.close()
})

type Violation = Obj & {
  kind: string
  severity: string
  source: string
  occurrences: number
  licenseId: string
  details: Record<string, unknown>
}

async function violations(query: string, key?: string): Promise<Violation[]> {
  const res = await t.request('GET', `/v1/admin/violations${query}`, undefined, key)
  expect(res.statusCode, res.body).toBe(200)
  return res.json<{ items: Violation[] }>().items
}

describe('reported violations', () => {
  it('stores client reports with severity; repeats bump one row; admin lists by license and kind', async () => {
    const { token, license } = await seedLicense(t)
    const report = (body: object) =>
      publicPost(
        t.app,
        '/v1/violations',
        { key: token, deploymentId: 'inst-1', ...body },
        '10.1.1.1',
      )
    const first = await report({
      kind: 'clock_tampered',
      severity: 'high',
      details: { wallClock: '2026-01-01T00:00:00Z' },
    })
    expect(first.statusCode, first.body).toBe(201)
    expect(first.json()).toMatchObject({ kind: 'clock_tampered', severity: 'high', occurrences: 1 })
    expect((await report({ kind: 'clock_tampered', severity: 'high' })).json()).toMatchObject({
      occurrences: 2,
    })
    expect((await report({ kind: 'signature_failure' })).json()).toMatchObject({ severity: 'high' })
    expect((await report({ kind: 'integrity' })).json()).toMatchObject({ severity: 'critical' })

    const all = await violations(`?licenseId=${license.id}`)
    expect(all.map((v) => v.kind).sort()).toEqual([
      'clock_tampered',
      'integrity',
      'signature_failure',
    ])
    const clock = await violations(`?licenseId=${license.id}&kind=clock_tampered`)
    expect(clock).toHaveLength(1)
    expect(clock[0]).toMatchObject({
      source: 'client',
      occurrences: 2,
      deploymentId: 'inst-1',
      address: '10.1.1.1',
    })

    expectError(await report({ kind: 'Bad Kind!' }), 400, 'VALIDATION_FAILED')
    expectError(await report({ kind: 'x', severity: 'apocalyptic' }), 400, 'VALIDATION_FAILED')
    expectError(
      await publicPost(t.app, '/v1/violations', { key: 'TG1-x-00000000', kind: 'x' }),
      401,
      'INVALID_LICENSE_KEY',
    )
    const other = await t.addTenant('Globex')
    expect(await violations(`?licenseId=${license.id}`, other.adminKey)).toEqual([])
  })
})

describe('key-sharing detection', () => {
  it('too many distinct deployments in the window: a violation, and a suspension (audited) when the policy says so', async () => {
    const { token, license } = await seedLicense(t, {
      plan: {
        policy: {
          expiryGraceDays: 7,
          offlineGraceDays: 30,
          heartbeatIntervalS: 3600,
          maxDeployments: 1,
        },
      },
      license: { metadata: { keySharing: { maxDeployments: 2, action: 'suspend' } } },
    })
    const activate = (id: string) =>
      publicPost(t.app, '/v1/deployments/activate', { key: token, deploymentId: id })
    expect((await activate('share-1')).statusCode).toBe(200)
    expect((await validate(t, token)).code).toBe('VALID') // now in the validation cache
    expectError(await activate('share-2'), 409, 'TOO_MANY_DEPLOYMENTS')
    expect(await violations(`?licenseId=${license.id}&kind=key_sharing`)).toEqual([])
    // A third distinct install within the hour: over the key-sharing limit of 2.
    expectError(await activate('share-3'), 409, 'TOO_MANY_DEPLOYMENTS')
    const found = await violations(`?licenseId=${license.id}&kind=key_sharing`)
    expect(found).toHaveLength(1)
    expect(found[0]).toMatchObject({
      source: 'server',
      severity: 'high',
      details: { deployments: 3 },
    })

    const lic = (await t.request('GET', `/v1/admin/licenses/${license.id}`)).json<{
      status: string
      statusReason: string
    }>()
    expect(lic.status).toBe('suspended')
    expect(lic.statusReason).toMatch(/Key sharing/)
    expect((await validate(t, token)).code).toBe('SUSPENDED')
    const audit = await t.request(
      'GET',
      `/v1/admin/audit?action=license.suspend&targetId=${license.id}`,
    )
    expect(audit.json<{ items: Obj[] }>().items[0]).toMatchObject({
      actor: 'system:key-sharing',
      after: { status: 'suspended' },
    })
    // The running deployment learns it with its next heartbeat.
    const hb = await publicPost(t.app, '/v1/deployments/heartbeat', {
      key: token,
      deploymentId: 'share-1',
    })
    expect(hb.json()).toMatchObject({ status: 'suspended' })

    // Reinstated by an admin: the same evidence does not suspend again within the window.
    expect((await t.request('POST', `/v1/admin/licenses/${license.id}/reinstate`)).statusCode).toBe(
      200,
    )
    expectError(await activate('share-4'), 409, 'TOO_MANY_DEPLOYMENTS')
    expect((await t.request('GET', `/v1/admin/licenses/${license.id}`)).json()).toMatchObject({
      status: 'active',
    })
    expect((await violations(`?licenseId=${license.id}&kind=key_sharing`))[0]).toMatchObject({
      occurrences: 2,
    })
  })

  it('too many source addresses in the window (from heartbeats) raises a violation; default action only flags', async () => {
    const { token, license } = await seedLicense(t) // maxDeployments 3: default limit 6 addresses
    expect(
      (
        await publicPost(
          manual,
          '/v1/deployments/activate',
          { key: token, deploymentId: 'roam' },
          '192.0.2.1',
        )
      ).statusCode,
    ).toBe(200)
    for (let i = 2; i <= 6; i++) {
      expect(
        (
          await publicPost(
            manual,
            '/v1/deployments/heartbeat',
            { key: token, deploymentId: 'roam' },
            `192.0.2.${i}`,
          )
        ).statusCode,
      ).toBe(200)
      await manual.fleet.coalescer.flush()
    }
    expect(await violations(`?licenseId=${license.id}&kind=key_sharing`)).toEqual([])
    expect(
      (
        await publicPost(
          manual,
          '/v1/deployments/heartbeat',
          { key: token, deploymentId: 'roam' },
          '192.0.2.7',
        )
      ).statusCode,
    ).toBe(200)
    await manual.fleet.coalescer.flush()
    const found = await violations(`?licenseId=${license.id}&kind=key_sharing`)
    expect(found).toHaveLength(1)
    expect(found[0]!.details).toMatchObject({ addresses: 7, deployments: 1 })
    expect((await t.request('GET', `/v1/admin/licenses/${license.id}`)).json()).toMatchObject({
      status: 'active',
    })
  })

  it('forgets sightings older than the window', async () => {
    const { token, license } = await seedLicense(t, {
      plan: {
        policy: {
          expiryGraceDays: 7,
          offlineGraceDays: 30,
          heartbeatIntervalS: 3600,
          maxDeployments: 1,
        },
      },
      license: { metadata: { keySharing: { maxDeployments: 2, windowS: 600 } } },
    })
    const activate = (id: string) =>
      publicPost(t.app, '/v1/deployments/activate', { key: token, deploymentId: id })
    expect((await activate('w-1')).statusCode).toBe(200)
    expectError(await activate('w-2'), 409, 'TOO_MANY_DEPLOYMENTS')
    t.clock.advance(11 * 60_000)
    // w-1 heartbeats on (still in the window), w-2 is old news: 2 distinct, not over 2.
    expect(
      (await publicPost(t.app, '/v1/deployments/heartbeat', { key: token, deploymentId: 'w-1' }))
        .statusCode,
    ).toBe(200)
    await t.app.fleet.coalescer.flush()
    expectError(await activate('w-3'), 409, 'TOO_MANY_DEPLOYMENTS')
    expect(await violations(`?licenseId=${license.id}&kind=key_sharing`)).toEqual([])
  })

  it('a deployment id activated again from another machine (copied storage dir) is recorded', async () => {
    const { token, license } = await seedLicense(t)
    const activate = (machineId: string) =>
      publicPost(t.app, '/v1/deployments/activate', {
        key: token,
        deploymentId: 'copied-1',
        fingerprint: { hostname: 'h', machineId },
      })
    expect((await activate('a'.repeat(32))).statusCode).toBe(200)
    expect((await activate('a'.repeat(32))).statusCode).toBe(200)
    expect(await violations(`?licenseId=${license.id}&kind=fingerprint_changed`)).toEqual([])
    expect((await activate('b'.repeat(32))).statusCode).toBe(200)
    const found = await violations(`?licenseId=${license.id}&kind=fingerprint_changed`)
    expect(found).toHaveLength(1)
    expect(found[0]).toMatchObject({ severity: 'medium', source: 'server' })
    expect(found[0]!.details).toEqual({
      previousMachineId: 'a'.repeat(32),
      machineId: 'b'.repeat(32),
    })
  })

  it("with onFingerprintChange 'block' the copy is refused (high violation); the first machine keeps its seat", async () => {
    const { token, license } = await seedLicense(t, {
      plan: {
        policy: {
          expiryGraceDays: 7,
          offlineGraceDays: 30,
          heartbeatIntervalS: 3600,
          maxDeployments: 1,
          onFingerprintChange: 'block',
        },
      },
    })
    const activate = (machineId: string) =>
      publicPost(t.app, '/v1/deployments/activate', {
        key: token,
        deploymentId: 'copied-2',
        fingerprint: { hostname: 'h', machineId },
      })
    expect((await activate('a'.repeat(32))).statusCode).toBe(200)
    expectError(await activate('b'.repeat(32)), 403, 'DEPLOYMENT_MISMATCH')
    const found = await violations(`?licenseId=${license.id}&kind=fingerprint_changed`)
    expect(found).toHaveLength(1)
    expect(found[0]).toMatchObject({ severity: 'high', source: 'server' })
    // The first machine is unaffected: its fingerprint was kept.
    expect((await activate('a'.repeat(32))).statusCode).toBe(200)
  })
})
