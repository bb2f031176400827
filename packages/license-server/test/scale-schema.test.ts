import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { migrateDown, migrateToLatest } from '../src/db/migrate.js'
import { migrations } from '../src/db/migrations/index.js'
import { createTestDatabase, type TestDatabase } from './helpers/test-db.js'

let t: TestDatabase
beforeAll(async () => {
  t = await createTestDatabase()
})
afterAll(() => t.destroy())

/** Foreign keys whose columns do not lead any index of their table. */
async function unindexedForeignKeys(): Promise<string[]> {
  const { rows } = await sql<{ fk: string }>`
    select c.conrelid::regclass::text || '(' || array_to_string(array(
             select a.attname from unnest(c.conkey) with ordinality k(n, i)
             join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.n order by k.i), ',')
           || ')' as fk
    from pg_constraint c
    where c.contype = 'f' and c.connamespace = 'public'::regnamespace
      and not exists (
        select 1 from pg_index i
        where i.indrelid = c.conrelid
          and (i.indkey::int2[])[0:cardinality(c.conkey) - 1] @> c.conkey
          and (i.indkey::int2[])[0:cardinality(c.conkey) - 1] <@ c.conkey)
    order by 1
  `.execute(t.db)
  return rows.map((r) => r.fk)
}

async function indexes(table: string): Promise<string[]> {
  const { rows } = await sql<{ indexdef: string }>`
    select indexdef from pg_indexes where tablename = ${table}
  `.execute(t.db)
  return rows.map((r) => r.indexdef)
}

describe('scale schema', () => {
  it('indexes every foreign key (a parent delete never scans the child table)', async () => {
    // Tenants are never deleted, and every tenant-scoped table leads an index with tenant_id.
    expect(await unindexedForeignKeys()).toEqual([])
  })

  it('indexes every documented list filter', async () => {
    const audit = (await indexes('audit_log')).join('\n')
    for (const col of ['action', 'actor', 'target_id', 'target_type']) {
      expect(audit).toContain(`(tenant_id, ${col}, id)`)
    }
    expect((await indexes('customers')).join('\n')).toContain('(tenant_id, email, id)')
    expect((await indexes('violations')).join('\n')).toContain('(tenant_id, kind, id)')
    expect((await indexes('deployments')).join('\n')).toMatch(
      /\(dead_after\) WHERE \(status = 'active'::text\)/,
    )
  })

  it('goes up, down and up again', async () => {
    const names = Object.keys(migrations)
    const upTo = Object.fromEntries(
      names.slice(0, names.indexOf('2026120640_scale') + 1).map((n) => [n, migrations[n]!]),
    )
    const fresh = await createTestDatabase({ migrate: false })
    try {
      await migrateToLatest(fresh.db, upTo)
      expect(await migrateDown(fresh.db, upTo)).toEqual(['2026120640_scale'])
      expect(await migrateToLatest(fresh.db, upTo)).toEqual(['2026120640_scale'])
    } finally {
      await fresh.destroy()
    }
  })
})
