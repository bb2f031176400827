import { verifyLease, type KeySet } from '@tollgate/license-client'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { buildApp } from '../src/app.js'
import { createDatabase } from '../src/db/create-database.js'
import { cullDeadDeployments } from '../src/deployments/cull-dead-deployments.js'
import { seedLicense, type Obj } from './helpers/fixtures.js'
import { DAY } from './helpers/clock.js'
import { createTestApp, type TestApp } from './helpers/test-app.js'
import { createPostgresDatabase, TEST_DB_KIND } from './helpers/test-db.js'
import { seedMigratedDataDir } from './helpers/pglite-template.js'
import {
  buildFleetApp,
  expectError,
  fetchKeys,
  FLEET_TEST_CONFIG,
  publicPost,
} from './fleet-support.js'

let t: TestApp
/** A second instance on the same database, with no flush or cull timers: tests drive them. */
let manual: FastifyInstance
let keys: KeySet
beforeAll(async () => {
  t = await createTestApp()
  manual = await buildFleetApp({ db: t.db, clock: t.clock })
  keys = await fetchKeys(t.app)
})
afterAll(async () => {
  await manual.close()
  await t.close()
})

const activate = (
  key: string,
  deploymentId: string,
  extra: object = {},
  ip?: string,
  app = t.app,
) => publicPost(app, '/v1/deployments/activate', { key, deploymentId, ...extra }, ip)
const heartbeat = (
  key: string,
  deploymentId: string,
  extra: object = {},
  ip?: string,
  app = t.app,
) => publicPost(app, '/v1/deployments/heartbeat', { key, deploymentId, ...extra }, ip)

async function deploymentsOf(licenseId: string, key?: string) {
  const res = await t.request('GET', `/v1/admin/licenses/${licenseId}/deployments`, undefined, key)
  expect(res.statusCode, res.body).toBe(200)
  return res.json<{
    items: (Obj & {
      deploymentId: string
      status: string
      lastSeenAt: string
      appVersion: string | null
      address: string | null
    })[]
  }>().items
}

describe('activation and seats', () => {
  it('activates up to maxDeployments, then answers TOO_MANY_DEPLOYMENTS; re-activation is idempotent', async () => {
    const { token, license } = await seedLicense(t) // POLICY.maxDeployments = 3
    for (const id of ['inst-a', 'inst-b', 'inst-c']) {
      const res = await activate(token, id, {
        appVersion: '1.0.0',
        fingerprint: { hostname: `${id}.local`, machineId: 'm-1', container: true },
      })
      expect(res.statusCode, res.body).toBe(200)
      const body = res.json<{ status: string; code: string; lease: string; license: Obj }>()
      expect(body).toMatchObject({ status: 'active', code: 'VALID', license: { id: license.id } })
      const lease = verifyLease(body.lease, keys)
      const nowS = Math.floor(t.clock.now().getTime() / 1000)
      expect(lease).toMatchObject({
        lid: license.id,
        deployment: id,
        status: 'active',
        serverTime: nowS,
      })
      expect(lease.validUntil).toBe(nowS + 30 * 86_400)
    }
    expectError(await activate(token, 'inst-d'), 409, 'TOO_MANY_DEPLOYMENTS')
    // The same deployment again: no second seat, still 200.
    const again = await activate(token, 'inst-b', { appVersion: '1.0.1' })
    expect(again.statusCode, again.body).toBe(200)
    const list = await deploymentsOf(license.id)
    expect(
      list
        .filter((d) => d.status === 'active')
        .map((d) => d.deploymentId)
        .sort(),
    ).toEqual(['inst-a', 'inst-b', 'inst-c'])
    expect(list.find((d) => d.deploymentId === 'inst-d')?.status).toBe('refused')
    expect(list.find((d) => d.deploymentId === 'inst-b')?.appVersion).toBe('1.0.1')
    expect(list.find((d) => d.deploymentId === 'inst-a')).toMatchObject({
      fingerprint: { hostname: 'inst-a.local', machineId: 'm-1', container: true },
      address: '127.0.0.1',
    })
  })

  it('concurrent activations never exceed the limit', async () => {
    const { token, license } = await seedLicense(t)
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => activate(token, `race-${i}`)),
    )
    expect(results.filter((r) => r.statusCode === 200)).toHaveLength(3)
    expect(results.filter((r) => r.statusCode === 409)).toHaveLength(5)
    const active = (await deploymentsOf(license.id)).filter((d) => d.status === 'active')
    expect(active).toHaveLength(3)
  })

  it('deactivate (client or admin, audited) frees a seat', async () => {
    const { token, license } = await seedLicense(t)
    for (const id of ['d1', 'd2', 'd3']) expect((await activate(token, id)).statusCode).toBe(200)
    expectError(await activate(token, 'd4'), 409, 'TOO_MANY_DEPLOYMENTS')

    const off = await publicPost(t.app, '/v1/deployments/deactivate', {
      key: token,
      deploymentId: 'd1',
    })
    expect(off.statusCode, off.body).toBe(200)
    expect(off.json()).toMatchObject({
      deactivated: true,
      deployment: { deploymentId: 'd1', status: 'inactive', deactivatedReason: 'client' },
    })
    // Idempotent.
    const again = await publicPost(t.app, '/v1/deployments/deactivate', {
      key: token,
      deploymentId: 'd1',
    })
    expect(again.json()).toMatchObject({ deactivated: false })
    expect((await activate(token, 'd4')).statusCode).toBe(200)
    expectError(await activate(token, 'd5'), 409, 'TOO_MANY_DEPLOYMENTS')

    const d2 = (await deploymentsOf(license.id)).find((d) => d.deploymentId === 'd2')!
    const adminOff = await t.request('POST', `/v1/admin/deployments/${d2.id}/deactivate`)
    expect(adminOff.statusCode, adminOff.body).toBe(200)
    expect(adminOff.json()).toMatchObject({
      deactivated: true,
      deployment: { status: 'inactive', deactivatedReason: 'admin' },
    })
    const audit = await t.request(
      'GET',
      `/v1/admin/audit?action=deployment.deactivate&targetId=${d2.id}`,
    )
    expect(audit.json<{ items: Obj[] }>().items).toHaveLength(1)
    expect(audit.json<{ items: Obj[] }>().items[0]).toMatchObject({
      before: { status: 'active' },
      after: { status: 'inactive' },
    })
    expect((await activate(token, 'd5')).statusCode).toBe(200)
  })

  it("hides another tenant's deployments and needs fleet scopes", async () => {
    const { token, license } = await seedLicense(t)
    expect((await activate(token, 'iso-1')).statusCode).toBe(200)
    const dep = (await deploymentsOf(license.id))[0]!
    const other = await t.addTenant('Globex')
    expectError(
      await t.request(
        'GET',
        `/v1/admin/licenses/${license.id}/deployments`,
        undefined,
        other.adminKey,
      ),
      404,
      'NOT_FOUND',
    )
    expectError(
      await t.request(
        'POST',
        `/v1/admin/deployments/${dep.id}/deactivate`,
        undefined,
        other.adminKey,
      ),
      404,
      'NOT_FOUND',
    )
    const ro = await t.request('POST', '/v1/admin/api-keys', {
      name: 'ro',
      scopes: ['licenses:read'],
    })
    const roKey = ro.json<{ secret: string }>().secret
    expectError(
      await t.request('GET', `/v1/admin/licenses/${license.id}/deployments`, undefined, roKey),
      403,
      'INSUFFICIENT_SCOPE',
    )
  })

  it('enforces the node lock', async () => {
    const { token } = await seedLicense(t, { license: { deploymentId: 'locked-host' } })
    expectError(await activate(token, 'elsewhere'), 403, 'DEPLOYMENT_MISMATCH')
    expect((await activate(token, 'locked-host')).statusCode).toBe(200)
    expectError(await heartbeat(token, 'elsewhere'), 403, 'DEPLOYMENT_MISMATCH')
  })

  it('refuses keys that do not verify, and malformed bodies', async () => {
    const { token } = await seedLicense(t)
    expectError(await activate('TG1-garbage-00000000', 'x'), 401, 'INVALID_LICENSE_KEY')
    const dot = token.lastIndexOf('.')
    const forged =
      token.slice(0, dot + 5) + (token[dot + 5] === 'A' ? 'B' : 'A') + token.slice(dot + 6)
    expectError(await heartbeat(forged, 'x'), 401, 'INVALID_LICENSE_KEY')
    expectError(await activate(token, ''), 400, 'VALIDATION_FAILED')
    expectError(await activate(token, 'x', { surprise: 1 }), 400, 'VALIDATION_FAILED')
    expectError(
      await activate(token, 'x', { fingerprint: { cpu: 'z80' } }),
      400,
      'VALIDATION_FAILED',
    )
  })
})

describe('heartbeats', () => {
  it('answers a signed lease with the current status: a revoke reaches the next heartbeat', async () => {
    const { token, license } = await seedLicense(t)
    expect((await activate(token, 'hb-1')).statusCode).toBe(200)
    const ok = await heartbeat(token, 'hb-1', { appVersion: '2.0.0' })
    expect(ok.statusCode, ok.body).toBe(200)
    expect(verifyLease(ok.json<{ lease: string }>().lease, keys).status).toBe('active')

    expect(
      (
        await t.request('POST', `/v1/admin/licenses/${license.id}/suspend`, {
          reason: 'late payment',
        })
      ).statusCode,
    ).toBe(200)
    const suspended = await heartbeat(token, 'hb-1')
    expect(suspended.json()).toMatchObject({ status: 'suspended', code: 'SUSPENDED' })
    expect(verifyLease(suspended.json<{ lease: string }>().lease, keys).status).toBe('suspended')

    expect(
      (await t.request('POST', `/v1/admin/licenses/${license.id}/revoke`, { reason: 'fraud' }))
        .statusCode,
    ).toBe(200)
    const revoked = await heartbeat(token, 'hb-1')
    expect(revoked.statusCode).toBe(200)
    expect(revoked.json()).toMatchObject({ status: 'revoked', code: 'REVOKED' })
    const lease = verifyLease(revoked.json<{ lease: string }>().lease, keys)
    expect(lease).toMatchObject({ lid: license.id, deployment: 'hb-1', status: 'revoked' })
    // A revoked license takes no new seats, but the new deployment still learns the status.
    const fresh = await activate(token, 'hb-2')
    expect(fresh.json()).toMatchObject({ status: 'revoked', code: 'REVOKED' })
  })

  it('coalesces writes: many heartbeats, few statements, the latest last-seen wins', async () => {
    const { token, license } = await seedLicense(t, { plan: { policy: { ...POLICY_BIG } } })
    const ids = Array.from({ length: 20 }, (_, i) => `co-${i}`)
    for (const id of ids) expect((await activate(token, id)).statusCode).toBe(200)
    await manual.fleet.coalescer.flush()
    const before = { ...manual.fleet.coalescer.stats }
    for (let round = 0; round < 5; round++) {
      t.clock.advance(1000)
      const res = await Promise.all(
        ids.map((id) =>
          heartbeat(token, id, { appVersion: `3.${round}` }, `10.0.0.${round}`, manual),
        ),
      )
      expect(res.every((r) => r.statusCode === 200)).toBe(true)
    }
    const last = t.clock.now()
    // Nothing written yet; the admin view of that instance already shows the pending last-seen.
    const stale = await t.db
      .selectFrom('deployments')
      .select('last_seen_at')
      .where('license_id', '=', license.id)
      .execute()
    expect(stale.every((r) => r.last_seen_at.getTime() < last.getTime())).toBe(true)
    const view = await manual.inject({
      method: 'GET',
      url: `/v1/admin/licenses/${license.id}/deployments?limit=50`,
      headers: { authorization: `Bearer ${t.adminKey}` },
    })
    const items = view.json<{ items: { lastSeenAt: string }[] }>().items
    expect(items).toHaveLength(20)
    expect(items.every((d) => d.lastSeenAt === last.toISOString())).toBe(true)
    await manual.fleet.coalescer.flush()
    const stats = manual.fleet.coalescer.stats
    expect(stats.recorded - before.recorded).toBe(100)
    // 100 heartbeats of 20 deployments, one flush: one UPDATE statement.
    expect(stats.statements - before.statements).toBe(1)
    expect(stats.rowsWritten - before.rowsWritten).toBe(20)
    const rows = await t.db
      .selectFrom('deployments')
      .select(['install_id', 'last_seen_at', 'app_version', 'last_address'])
      .where('license_id', '=', license.id)
      .execute()
    expect(rows).toHaveLength(20)
    for (const r of rows) {
      expect(r.last_seen_at.getTime()).toBe(last.getTime())
      expect(r.app_version).toBe('3.4')
      expect(r.last_address).toBe('10.0.0.4')
    }
  })

  it('keeps heartbeats whose flush failed and writes them on the next flush', async () => {
    const { token, license } = await seedLicense(t, { plan: { policy: { ...POLICY_BIG } } })
    expect((await activate(token, 'retry-1', {}, undefined, manual)).statusCode).toBe(200)
    t.clock.advance(5000)
    const seen = t.clock.now()
    expect(
      (await heartbeat(token, 'retry-1', { appVersion: '4.0.0' }, undefined, manual)).statusCode,
    ).toBe(200)
    // Make the UPDATE fail for real: the column it writes is briefly gone.
    await sql`alter table deployments rename column app_version to app_version_x`.execute(t.db)
    try {
      await expect(manual.fleet.coalescer.flush()).rejects.toThrow()
    } finally {
      await sql`alter table deployments rename column app_version_x to app_version`.execute(t.db)
    }
    expect(manual.fleet.coalescer.pendingSeenAt((await deploymentsOf(license.id))[0]!.id)).toEqual(
      seen,
    )
    await manual.fleet.coalescer.flush()
    const row = await t.db
      .selectFrom('deployments')
      .select(['last_seen_at', 'app_version'])
      .where('license_id', '=', license.id)
      .executeTakeFirstOrThrow()
    expect(row).toEqual({ last_seen_at: seen, app_version: '4.0.0' })
  })

  it('culls dead deployments under fake time, freeing seats, but not those with a pending heartbeat', async () => {
    const { token, license } = await seedLicense(t) // heartbeatIntervalS 3600, 3 seats
    for (const id of ['dead-1', 'dead-2', 'alive'])
      expect((await activate(token, id)).statusCode).toBe(200)
    expectError(await activate(token, 'newcomer'), 409, 'TOO_MANY_DEPLOYMENTS')

    t.clock.advance(2 * 3600_000)
    expect((await heartbeat(token, 'alive', {}, undefined, manual)).statusCode).toBe(200)
    expect(
      (await cullDeadDeployments(manual.fleet)).culled.filter((c) => c.licenseId === license.id),
    ).toHaveLength(0)

    // 3 missed intervals after the activation; 'alive' pinged an hour in and again now, and its
    // newest ping is still only in memory when the culler runs.
    t.clock.advance(1.5 * 3600_000)
    expect((await heartbeat(token, 'alive', {}, undefined, manual)).statusCode).toBe(200)
    expect(
      manual.fleet.coalescer.pendingSeenAt(
        (await deploymentsOf(license.id)).find((d) => d.deploymentId === 'alive')!.id,
      ),
    ).toBeDefined()
    const { culled } = await cullDeadDeployments(manual.fleet)
    expect(
      culled
        .filter((c) => c.licenseId === license.id)
        .map((c) => c.deploymentId)
        .sort(),
    ).toEqual(['dead-1', 'dead-2'])
    const list = await deploymentsOf(license.id)
    expect(list.find((d) => d.deploymentId === 'alive')?.status).toBe('active')
    expect(list.find((d) => d.deploymentId === 'dead-1')).toMatchObject({
      status: 'dead',
      deactivatedReason: 'dead',
    })
    // Seats are free again; a dead deployment that comes back takes a seat if there is one.
    expect((await activate(token, 'newcomer')).statusCode).toBe(200)
    const back = await heartbeat(token, 'dead-1')
    expect(back.statusCode, back.body).toBe(200)
    expect((await deploymentsOf(license.id)).find((d) => d.deploymentId === 'dead-1')?.status).toBe(
      'active',
    )
    expectError(await heartbeat(token, 'dead-2'), 409, 'TOO_MANY_DEPLOYMENTS')
  })

  it('activates an unknown deployment of a known license on its first heartbeat', async () => {
    const { token, license } = await seedLicense(t)
    const res = await heartbeat(token, 'never-activated')
    expect(res.statusCode, res.body).toBe(200)
    expect((await deploymentsOf(license.id)).map((d) => d.deploymentId)).toEqual([
      'never-activated',
    ])
  })

  it('expired beyond grace: lease says expired', async () => {
    const { token } = await seedLicense(t, {
      license: { expiresAt: new Date(t.clock.now().getTime() + DAY).toISOString() },
    })
    expect((await activate(token, 'exp-1')).statusCode).toBe(200)
    t.clock.advance(9 * DAY) // expiry + 7 days grace passed
    const res = await heartbeat(token, 'exp-1')
    expect(res.json()).toMatchObject({ status: 'expired', code: 'EXPIRED' })
    expect(verifyLease(res.json<{ lease: string }>().lease, keys).status).toBe('expired')
    t.clock.advance(-9 * DAY)
  })
})

describe('jobs and shutdown', () => {
  it('runs the culler on its configurable interval', async () => {
    const app = await buildFleetApp({ db: t.db, clock: t.clock, fleet: { cullIntervalMs: 20 } })
    try {
      const { token, license } = await seedLicense(t)
      expect((await activate(token, 'timer-1', {}, undefined, app)).statusCode).toBe(200)
      t.clock.advance(4 * 3600_000)
      await vi.waitFor(
        async () => {
          const d = (await deploymentsOf(license.id)).find((x) => x.deploymentId === 'timer-1')
          expect(d?.status).toBe('dead')
        },
        { timeout: 10_000, interval: 50 },
      )
    } finally {
      await app.close()
    }
  })

  it('flushes acknowledged heartbeats on close, before the app closes its own database', async () => {
    // An app that owns its database (its own pool, or its own PGlite directory), like a server.
    const dir = mkdtempSync(join(tmpdir(), 'tg-fleet-close-'))
    const pgdb = TEST_DB_KIND === 'postgres' ? await createPostgresDatabase() : undefined
    // Its directory starts from the run's migrated dump (as the in-memory databases do).
    if (!pgdb) await seedMigratedDataDir(dir)
    let seen = new Date(0)
    const app = await buildApp({
      env: {},
      config: { ...FLEET_TEST_CONFIG, dataDir: dir, ...(pgdb ? { databaseUrl: pgdb.url } : {}) },
      now: t.clock.now,
      logger: false,
      fleet: { heartbeatFlushMs: 0, cullIntervalMs: 0 },
    })
    try {
      const owner = app.tollgate.bootstrap.ownerKey!
      const adminPost = async (url: string, payload: object) => {
        const res = await app.inject({
          method: 'POST',
          url,
          payload,
          headers: { authorization: `Bearer ${owner}` },
        })
        expect(res.statusCode, res.body).toBe(201)
        return res.json<Obj & { token?: string; license?: Obj }>()
      }
      const cus = await adminPost('/v1/admin/customers', { name: 'Own DB' })
      const plan = await adminPost('/v1/admin/plans', {
        name: 'P',
        product: 'p',
        tier: 'pro',
        entitlements: [],
        limits: {},
        policy: POLICY_BIG,
        durationDays: 30,
      })
      const { token } = await adminPost('/v1/admin/licenses', {
        customerId: cus.id,
        planId: plan.id,
      })
      expect((await activate(token!, 'bye-1', {}, undefined, app)).statusCode).toBe(200)
      t.clock.advance(60_000)
      seen = t.clock.now()
      expect(
        (await heartbeat(token!, 'bye-1', { appVersion: '9.9.9' }, undefined, app)).statusCode,
      ).toBe(200)
      expect(app.fleet.coalescer.size).toBe(1)
    } finally {
      await app.close()
    }
    const db = createDatabase(pgdb ? { databaseUrl: pgdb.url } : { dataDir: dir })
    try {
      const row = await db
        .selectFrom('deployments')
        .select(['last_seen_at', 'app_version'])
        .where('install_id', '=', 'bye-1')
        .executeTakeFirstOrThrow()
      expect(row.last_seen_at.getTime()).toBe(seen.getTime())
      expect(row.app_version).toBe('9.9.9')
    } finally {
      await db.destroy()
      await pgdb?.drop()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

const POLICY_BIG = {
  expiryGraceDays: 7,
  offlineGraceDays: 30,
  heartbeatIntervalS: 3600,
  maxDeployments: 100,
}
