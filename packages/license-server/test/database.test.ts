import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { migrateDown, migrateToLatest } from '../src/db/migrate.js'
import { migrations } from '../src/db/migrations/index.js'
import { createTestDatabase, type TestDatabase } from './helpers/test-db.js'

let t: TestDatabase
beforeAll(async () => {
  t = await createTestDatabase({ migrate: false })
})
afterAll(() => t.destroy())

const tables = async () =>
  (
    await sql<{
      name: string
    }>`select table_name as name from information_schema.tables where table_schema = 'public' and table_name not like 'kysely_%'`.execute(
      t.db,
    )
  ).rows.map((r) => r.name)

const now = new Date()
const tenant = (id: string) => ({ id, name: id, created_at: now, updated_at: now })

describe(`data layer (${process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite'})`, () => {
  it('migrates up and all the way down and up again', async () => {
    const names = Object.keys(migrations)
    expect(names[0]).toBe('2026120100_core')
    expect([...names].sort()).toEqual(names)
    expect(await migrateToLatest(t.db)).toEqual(names)
    expect(await tables()).toEqual(
      expect.arrayContaining([
        'tenants',
        'customers',
        'plans',
        'licenses',
        'api_keys',
        'signing_keys',
        'audit_log',
      ]),
    )
    for (let i = names.length - 1; i >= 0; i--) expect(await migrateDown(t.db)).toEqual([names[i]])
    expect(await tables()).toEqual([])
    expect(await migrateToLatest(t.db)).toEqual(names)
    expect(await migrateToLatest(t.db)).toEqual([])
  })

  it('commits and rolls back transactions', async () => {
    await t.db.transaction().execute(async (trx) => {
      await trx.insertInto('tenants').values(tenant('ten_commit')).execute()
    })
    await expect(
      t.db.transaction().execute(async (trx) => {
        await trx.insertInto('tenants').values(tenant('ten_rollback')).execute()
        throw new Error('abort')
      }),
    ).rejects.toThrow('abort')
    const ids = (await t.db.selectFrom('tenants').select('id').execute()).map((r) => r.id)
    expect(ids).toContain('ten_commit')
    expect(ids).not.toContain('ten_rollback')
  })

  it('keeps concurrent transactions and queries from interleaving', async () => {
    await t.db.insertInto('tenants').values(tenant('ten_counter')).execute()
    // Read-modify-write under a row lock: with the single PGlite connection, the mutex must keep
    // each transaction whole; on Postgres the row lock does.
    const bump = () =>
      t.db.transaction().execute(async (trx) => {
        const row = await trx
          .selectFrom('tenants')
          .select('name')
          .where('id', '=', 'ten_counter')
          .forUpdate()
          .executeTakeFirstOrThrow()
        const n = Number(row.name.replace(/\D/g, '') || '0') + 1
        await trx
          .updateTable('tenants')
          .set({ name: `n${n}` })
          .where('id', '=', 'ten_counter')
          .execute()
      })
    const reads = Array.from({ length: 10 }, () =>
      t.db.selectFrom('tenants').select('id').execute(),
    )
    await Promise.all([...Array.from({ length: 20 }, bump), ...reads])
    const row = await t.db
      .selectFrom('tenants')
      .select('name')
      .where('id', '=', 'ten_counter')
      .executeTakeFirstOrThrow()
    expect(row.name).toBe('n20')
  })

  it('round-trips jsonb, timestamptz and nulls the same way on both engines', async () => {
    await t.db
      .insertInto('customers')
      .values({
        id: 'cus_json',
        tenant_id: 'ten_commit',
        name: 'J',
        email: null,
        external_id: null,
        stripe_customer_id: null,
        metadata: JSON.stringify({ list: [1, 'two'], nested: { ok: true } }),
        created_at: now,
        updated_at: now,
      })
      .execute()
    const row = await t.db
      .selectFrom('customers')
      .selectAll()
      .where('id', '=', 'cus_json')
      .executeTakeFirstOrThrow()
    expect(row.metadata).toEqual({ list: [1, 'two'], nested: { ok: true } })
    expect(row.created_at).toBeInstanceOf(Date)
    expect(row.created_at.getTime()).toBe(now.getTime())
    expect(row.email).toBeNull()
    const upd = await t.db
      .updateTable('customers')
      .set({ name: 'K' })
      .where('id', '=', 'cus_json')
      .executeTakeFirst()
    expect(upd.numUpdatedRows).toBe(1n)
  })
})
