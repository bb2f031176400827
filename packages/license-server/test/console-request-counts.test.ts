import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../src/app.js'
import { RequestCounter } from '../src/request-counts/request-counter.js'
import { requestsByHour } from '../src/request-counts/requests-by-hour.js'
import { DEFAULT_RETENTION } from '../src/retention/retention-options.js'
import { runRetention } from '../src/retention/run-retention.js'
import { createStaff, signInStaff } from './helpers/console-support.js'
import { seedLicense, validate } from './helpers/fixtures.js'
import { createTestApp, TEST_MASTER_KEY, type TestApp } from './helpers/test-app.js'

const HOUR = 3_600_000

describe('validations and heartbeats per hour (request_counts)', () => {
  let t: TestApp
  let token: string
  const rows = () =>
    t.db.selectFrom('request_counts').selectAll().orderBy('kind').orderBy('hour').execute()
  const heartbeat = async (deploymentId: string) => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/deployments/heartbeat',
      payload: { key: token, deploymentId },
    })
    expect(res.statusCode, res.body).toBe(200)
  }
  beforeAll(async () => {
    t = await createTestApp()
    token = (await seedLicense(t)).token
  })
  afterAll(() => t.close())

  it('counts in memory (no row per request) and one flush upserts the sums, adding to what is there', async () => {
    await t.app.fleet.requests.flush()
    await t.db.deleteFrom('request_counts').execute()
    for (let i = 0; i < 3; i++) await validate(t, token)
    const act = await t.app.inject({
      method: 'POST',
      url: '/v1/deployments/activate',
      payload: { key: token, deploymentId: 'dep-hour-1' },
    })
    expect(act.statusCode, act.body).toBe(200)
    await heartbeat('dep-hour-1')
    await heartbeat('dep-hour-1')
    expect(await rows()).toEqual([])
    await t.app.fleet.requests.flush()
    const hour = new Date(Math.floor(t.clock.now().getTime() / HOUR) * HOUR)
    expect((await rows()).map((r) => [r.kind, Number(r.count), r.hour.getTime()])).toEqual([
      ['heartbeat', 2, hour.getTime()],
      ['validation', 3, hour.getTime()],
    ])
    // Next hour, and more in this one: upsert adds (count = count + excluded.count).
    await validate(t, token)
    t.clock.advance(HOUR)
    await validate(t, token)
    await t.app.fleet.requests.flush()
    const points = await requestsByHour(t.db, t.tenantId, 'validation', t.clock.now())
    expect(points).toHaveLength(24)
    expect(points.slice(-2).map((p) => p.amount)).toEqual([4, 1])
  })

  it('the overview charts the counts from the database; tenant B sees none of them', async () => {
    const owner = await createStaff(t, 'read-only')
    const page = await (await signInStaff(t, owner)).get('/console')
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('Validations per hour (total 5)')
    expect(page.body).toContain('Heartbeats per hour (total 2)')
    expect(page.body).toContain('data-metric="requests-validation"')
    const other = await t.addTenant('tenant b')
    const b = await createStaff(t, 'owner', { tenantId: other.tenantId })
    const theirs = await (await signInStaff(t, b)).get('/console')
    expect(theirs.body).toContain('Validations per hour (total 0)')
    expect(theirs.body).toContain('Heartbeats per hour (total 0)')
  })

  it('a graceful shutdown flushes what is pending', async () => {
    const second = await buildApp({
      env: {},
      config: { masterKey: TEST_MASTER_KEY, dataDir: 'memory://', logLevel: 'silent' },
      db: t.db,
      now: t.clock.now,
      logger: false,
      fleet: { requestCountFlushMs: 0 },
    })
    const before = await requestsByHour(t.db, t.tenantId, 'validation', t.clock.now())
    const res = await second.inject({
      method: 'POST',
      url: '/v1/licenses/validate',
      payload: { key: token },
    })
    expect(res.json<{ valid: boolean }>().valid).toBe(true)
    expect(second.fleet.requests.size).toBe(1)
    await second.close()
    const after = await requestsByHour(t.db, t.tenantId, 'validation', t.clock.now())
    expect(after.at(-1)!.amount).toBe(before.at(-1)!.amount + 1)
  })

  it('the map is bounded: a new entry over the bound is dropped and counted as such', async () => {
    const counter = new RequestCounter(t.db, { intervalMs: 0, maxEntries: 2 })
    const at = new Date(t.clock.now().getTime() - 5 * HOUR)
    counter.count('ten_a', 'validation', at)
    counter.count('ten_b', 'validation', at)
    counter.count('ten_a', 'validation', at)
    counter.count('ten_c', 'validation', at)
    expect(counter.size).toBeLessThanOrEqual(2)
    expect(counter.stats.dropped).toBe(1)
    expect(counter.stats.counted).toBe(3)
    await counter.close()
    const written = await t.db
      .selectFrom('request_counts')
      .select(['tenant_id', 'count'])
      .where('hour', '=', new Date(Math.floor(at.getTime() / HOUR) * HOUR))
      .orderBy('tenant_id')
      .execute()
    expect(written.map((r) => [r.tenant_id, Number(r.count)])).toEqual([
      ['ten_a', 2],
      ['ten_b', 1],
    ])
  })

  it('retention prunes counts older than requestCountDays (90 by default)', async () => {
    const old = new Date(t.clock.now().getTime() - 91 * 24 * HOUR)
    const counter = new RequestCounter(t.db, { intervalMs: 0 })
    counter.count(t.tenantId, 'heartbeat', old)
    await counter.close()
    const r = await runRetention(t.db, DEFAULT_RETENTION, t.clock.now())
    expect(r.requestCounts).toBe(1)
    const left = await t.db
      .selectFrom('request_counts')
      .select('hour')
      .where('hour', '<', new Date(t.clock.now().getTime() - 89 * 24 * HOUR))
      .execute()
    expect(left).toEqual([])
    expect((await rows()).length).toBeGreaterThan(0)
  })
})
