import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { migrateDown, migrateToLatest } from '../src/db/migrate.js'
import * as core from '../src/db/migrations/2026120100_core.js'
import * as fleet from '../src/db/migrations/2026120110_fleet.js'
import { createTestDatabase, type TestDatabase } from './helpers/test-db.js'

const FLEET_TABLES = [
  'deployments',
  'license_addresses',
  'usage_batches',
  'usage_counters',
  'violations',
]
const list = { '2026120100_core': core, '2026120110_fleet': fleet }

let t: TestDatabase
beforeAll(async () => {
  t = await createTestDatabase({ migrate: false })
})
afterAll(() => t.destroy())

async function tables(): Promise<string[]> {
  const { rows } = await sql<{ table_name: string }>`
    select table_name from information_schema.tables where table_schema = 'public'
  `.execute(t.db)
  return rows
    .map((r) => r.table_name)
    .filter((n) => FLEET_TABLES.includes(n))
    .sort()
}

describe('fleet migration', () => {
  it('goes up, down and up again', async () => {
    expect(await migrateToLatest(t.db, list)).toEqual(['2026120100_core', '2026120110_fleet'])
    expect(await tables()).toEqual([...FLEET_TABLES].sort())
    expect(await migrateDown(t.db, list)).toEqual(['2026120110_fleet'])
    expect(await tables()).toEqual([])
    expect(await migrateToLatest(t.db, list)).toEqual(['2026120110_fleet'])
    expect(await tables()).toEqual([...FLEET_TABLES].sort())
  })
})
