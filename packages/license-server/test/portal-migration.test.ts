import { Migrator, sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { migrations } from '../src/db/migrations/index.js'
import { createTestDatabase, TEST_DB_KIND, type TestDatabase } from './helpers/test-db.js'

const PORTAL = '2026120620_portal'
const TABLES = [
  'plan_seat_reset_policies',
  'portal_login_codes',
  'portal_login_throttle',
  'portal_seat_resets',
  'portal_support_links',
  'portal_users',
  'tenant_branding',
]

let t: TestDatabase
beforeAll(async () => {
  t = await createTestDatabase()
})
afterAll(() => t.destroy())

async function tables(): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    select table_name as name from information_schema.tables
    where table_schema = current_schema() and table_name in (${sql.join(TABLES)})
  `.execute(t.db)
  return rows.map((r) => r.name).sort()
}

describe(`portal migration (${TEST_DB_KIND})`, () => {
  it('goes down and up again cleanly', async () => {
    const names = Object.keys(migrations).sort()
    const at = names.indexOf(PORTAL)
    expect(at).toBeGreaterThan(0)
    expect(await tables()).toEqual(TABLES)
    const migrator = new Migrator({
      db: t.db,
      provider: { getMigrations: () => Promise.resolve(migrations) },
    })
    const down = await migrator.migrateTo(names[at - 1]!)
    expect(down.error).toBeUndefined()
    expect(await tables()).toEqual([])
    const up = await migrator.migrateToLatest()
    expect(up.error).toBeUndefined()
    expect(await tables()).toEqual(TABLES)
  })
})
