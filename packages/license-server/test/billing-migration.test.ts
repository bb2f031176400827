import { Migrator, sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { migrations } from '../src/db/migrations/index.js'
import { createTestDatabase, TEST_DB_KIND, type TestDatabase } from './helpers/test-db.js'

const BILLING = '2026120120_billing'
const TABLES = ['billing_events', 'billing_subscriptions', 'outbox_messages']

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

describe(`billing migration (${TEST_DB_KIND})`, () => {
  it('is in the ordered list, and goes down and up again cleanly', async () => {
    const names = Object.keys(migrations).sort()
    const at = names.indexOf(BILLING)
    expect(at).toBeGreaterThan(0)
    expect(await tables()).toEqual(TABLES.slice().sort())
    const migrator = new Migrator({
      db: t.db,
      provider: { getMigrations: () => Promise.resolve(migrations) },
    })
    // Down to the migration before billing (reverting any later feature's first).
    const down = await migrator.migrateTo(names[at - 1]!)
    expect(down.error).toBeUndefined()
    expect(down.results?.map((r) => r.migrationName)).toContain(BILLING)
    expect(await tables()).toEqual([])
    // The core tables billing relies on survive.
    await t.db
      .selectFrom('plans')
      .select(['stripe_price_id', 'past_due_grace_days', 'cancel_behavior'])
      .execute()
    const up = await migrator.migrateToLatest()
    expect(up.error).toBeUndefined()
    expect(await tables()).toEqual(TABLES.slice().sort())
  })
})
