import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEFAULT_RETENTION } from '../src/retention/retention-options.js'
import { runRetention } from '../src/retention/run-retention.js'
import { DAY } from './helpers/clock.js'
import { seedLicense } from './helpers/fixtures.js'
import { createTestApp, type TestApp } from './helpers/test-app.js'
import { expectError, publicPost } from './fleet-support.js'

let t: TestApp
let dir: string
beforeAll(async () => {
  t = await createTestApp()
  dir = mkdtempSync(join(tmpdir(), 'tg-audit-export-'))
})
afterAll(async () => {
  await t.close()
  rmSync(dir, { recursive: true, force: true })
})

const day = (d: Date) => d.toISOString().slice(0, 10)

describe('retention of growing tables', () => {
  it('exports audit rows to a 0600 file before pruning them, and keeps the recent ones', async () => {
    await seedLicense(t) // audit rows "now"
    const old = new Date(t.clock.now().getTime() - 400 * DAY)
    await t.db
      .insertInto('audit_log')
      .values(
        [1, 2, 3].map((i) => ({
          id: `aud_old${i}`,
          tenant_id: t.tenantId,
          at: old,
          actor: 'key:key_x',
          action: 'license.update',
          target_type: 'license',
          target_id: `lic_${i}`,
          before: 'null',
          after: 'null',
        })),
      )
      .execute()
    const total = async () =>
      Number(
        (
          await t.db
            .selectFrom('audit_log')
            .select((e) => e.fn.countAll<string>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      )
    const before = await total()
    const r = await runRetention(
      t.db,
      { ...DEFAULT_RETENTION, auditDays: 365, auditExportDir: join(dir, 'audit') },
      t.clock.now(),
    )
    expect(r).toMatchObject({ skipped: false, audit: 3 })
    expect(await total()).toBe(before - 3)
    const files = readdirSync(join(dir, 'audit'))
    expect(files).toHaveLength(1)
    const file = join(dir, 'audit', files[0]!)
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(statSync(join(dir, 'audit')).mode & 0o777).toBe(0o700)
    const exported = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string })
    expect(exported.map((e) => e.id).sort()).toEqual(['aud_old1', 'aud_old2', 'aud_old3'])
  })

  it('prunes usage batch ids and addresses past their windows, and refuses usage older than the id window', async () => {
    const { token, license } = await seedLicense(t)
    expect(
      (await publicPost(t.app, '/v1/deployments/activate', { key: token, deploymentId: 'ret-1' }))
        .statusCode,
    ).toBe(200)
    const now = t.clock.now()
    const usage = (batchId: string, period: string) =>
      publicPost(t.app, '/v1/usage', {
        key: token,
        deploymentId: 'ret-1',
        batchId,
        counters: [{ metric: 'runs', amount: 1, period }],
      })
    expect((await usage('fresh-1', day(now))).statusCode).toBe(200)
    // A period past the window could be a retry of a pruned batch id: refused, never re-counted.
    expectError(
      await usage('ancient-1', day(new Date(now.getTime() - 401 * DAY))),
      400,
      'USAGE_PERIOD_TOO_OLD',
    )
    await t.db
      .updateTable('usage_batches')
      .set({ received_at: new Date(now.getTime() - 401 * DAY) })
      .where('batch_id', '=', 'fresh-1')
      .execute()
    await t.db
      .insertInto('license_addresses')
      .values({
        license_id: license.id,
        address: '203.0.113.9',
        tenant_id: t.tenantId,
        first_seen_at: new Date(now.getTime() - 40 * DAY),
        last_seen_at: new Date(now.getTime() - 31 * DAY),
      })
      .execute()
    const r = await runRetention(t.db, DEFAULT_RETENTION, now)
    expect(r.usageBatches).toBeGreaterThanOrEqual(1)
    expect(r.addresses).toBeGreaterThanOrEqual(1)
    const left = await t.db
      .selectFrom('usage_batches')
      .select('batch_id')
      .where('license_id', '=', license.id)
      .execute()
    expect(left).toEqual([])
    const addrs = await t.db
      .selectFrom('license_addresses')
      .select('address')
      .where('license_id', '=', license.id)
      .execute()
    expect(addrs.map((a) => a.address)).not.toContain('203.0.113.9')
  })
})
