import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cullDeadDeployments } from '../src/deployments/cull-dead-deployments.js'
import { seedLicense } from './helpers/fixtures.js'
import { createTestApp, type TestApp } from './helpers/test-app.js'
import { TEST_DB_KIND } from './helpers/test-db.js'
import { buildFleetApp, publicPost } from './fleet-support.js'

let t: TestApp
/** Two more instances on the same database, with no timers: the tests drive them. */
let a: FastifyInstance
let b: FastifyInstance
beforeAll(async () => {
  t = await createTestApp()
  a = await buildFleetApp({ db: t.db, clock: t.clock })
  b = await buildFleetApp({ db: t.db, clock: t.clock })
})
afterAll(async () => {
  await a.close()
  await b.close()
  await t.close()
})

const hb = (app: FastifyInstance, key: string, deploymentId: string) =>
  publicPost(app, '/v1/deployments/heartbeat', { key, deploymentId })

async function statusOf(licenseId: string, installId: string) {
  return t.db
    .selectFrom('deployments')
    .select(['status', 'dead_after', 'deactivated_reason'])
    .where('license_id', '=', licenseId)
    .where('install_id', '=', installId)
    .executeTakeFirstOrThrow()
}

describe('dead-deployment culler at scale', () => {
  it('writes a per-deployment deadline on activation and with every heartbeat flush', async () => {
    const { token, license } = await seedLicense(t) // heartbeatIntervalS 3600
    const activated = t.clock.now().getTime()
    expect(
      (await publicPost(a, '/v1/deployments/activate', { key: token, deploymentId: 'dl-1' }))
        .statusCode,
    ).toBe(200)
    expect((await statusOf(license.id, 'dl-1')).dead_after?.getTime()).toBe(
      activated + 3 * 3600_000,
    )
    t.clock.advance(3600_000)
    expect((await hb(a, token, 'dl-1')).statusCode).toBe(200)
    await a.fleet.coalescer.flush()
    expect((await statusOf(license.id, 'dl-1')).dead_after?.getTime()).toBe(
      activated + 4 * 3600_000,
    )
  })

  it('never leaves dead a deployment whose heartbeat was answered "active" during a cull on another instance', async () => {
    const { token, license } = await seedLicense(t)
    expect(
      (await publicPost(a, '/v1/deployments/activate', { key: token, deploymentId: 'race-1' }))
        .statusCode,
    ).toBe(200)
    t.clock.advance(3 * 3600_000 + 1000) // due, as far as the database knows
    // Instance B answers a heartbeat (still active), but has not flushed it yet...
    const res = await hb(b, token, 'race-1')
    expect(res.statusCode, res.body).toBe(200)
    expect(res.json()).toMatchObject({ status: 'active', code: 'VALID' })
    // ...when the culler runs on instance A, which cannot see B's memory.
    const { culled } = await cullDeadDeployments(a.fleet)
    expect(culled.map((c) => c.deploymentId)).toContain('race-1')
    await b.fleet.coalescer.flush()
    const row = await statusOf(license.id, 'race-1')
    expect(row.status).toBe('active')
    expect(row.deactivated_reason).toBeNull()
    expect(row.dead_after?.getTime()).toBe(t.clock.now().getTime() + 3 * 3600_000)
  })

  it('a heartbeat answered before a real death does not bring the deployment back', async () => {
    const { token, license } = await seedLicense(t)
    expect(
      (await publicPost(a, '/v1/deployments/activate', { key: token, deploymentId: 'gone-1' }))
        .statusCode,
    ).toBe(200)
    expect((await hb(b, token, 'gone-1')).statusCode).toBe(200) // answered, never flushed
    t.clock.advance(3 * 3600_000 + 1000)
    expect((await cullDeadDeployments(a.fleet)).culled.map((c) => c.deploymentId)).toContain(
      'gone-1',
    )
    // B's old heartbeat is written late: it is older than the deadline the cull enforced.
    await b.fleet.coalescer.flush()
    expect((await statusOf(license.id, 'gone-1')).status).toBe('dead')
  })

  it('a person deactivating is never undone by a pending heartbeat', async () => {
    const { token, license } = await seedLicense(t)
    expect(
      (await publicPost(a, '/v1/deployments/activate', { key: token, deploymentId: 'off-1' }))
        .statusCode,
    ).toBe(200)
    expect((await hb(b, token, 'off-1')).statusCode).toBe(200)
    const off = await publicPost(a, '/v1/deployments/deactivate', {
      key: token,
      deploymentId: 'off-1',
    })
    expect(off.statusCode, off.body).toBe(200)
    await b.fleet.coalescer.flush()
    expect((await statusOf(license.id, 'off-1')).status).toBe('inactive')
  })

  it.skipIf(TEST_DB_KIND !== 'postgres')(
    'runs on one instance at a time: a run that cannot take the lock skips (Postgres: several connections)',
    async () => {
      const { token } = await seedLicense(t)
      expect(
        (await publicPost(a, '/v1/deployments/activate', { key: token, deploymentId: 'lock-1' }))
          .statusCode,
      ).toBe(200)
      t.clock.advance(3 * 3600_000 + 1000)
      const holder = new pg.Client({ connectionString: t.testDb.url })
      await holder.connect()
      try {
        await holder.query('select pg_advisory_lock($1)', [0x746f6c6c])
        expect(await cullDeadDeployments(a.fleet)).toMatchObject({ skipped: true, culled: [] })
        await holder.query('select pg_advisory_unlock($1)', [0x746f6c6c])
        const run = await cullDeadDeployments(b.fleet)
        expect(run.skipped).toBe(false)
        expect(run.culled.map((c) => c.deploymentId)).toContain('lock-1')
      } finally {
        await holder.end()
      }
    },
  )

  it('takes due rows from the partial index, not a scan of the fleet', async () => {
    // The plan the culler's query gets with sequential scans priced out (tables here are tiny).
    const plan = await t.db.transaction().execute(async (trx) => {
      await sql`set local enable_seqscan = off`.execute(trx)
      const { rows } = await sql<{ 'QUERY PLAN': string }>`
        explain select id from deployments where status = 'active' and dead_after < now()
      `.execute(trx)
      return rows.map((r) => r['QUERY PLAN']).join('\n')
    })
    expect(plan).toContain('deployments_dead_after_idx')
  })
})
