import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { PGliteClosedError } from './helpers/pglite-pool.js'
import { leaseMigratedPglite, migratedPglite } from './helpers/pglite-template.js'

// The test-only pool must never hand a test another test's rows, settings or schema changes.
describe('the test PGlite pool', () => {
  it('gives back a database emptied of rows and session state, with identities restarted', async () => {
    const first = await migratedPglite()
    await sql`insert into tenants (id, name, created_at, updated_at) values ('t1', 'A', now(), now())`.execute(
      first,
    )
    await sql`select nextval('events_seq_seq'), nextval('events_seq_seq')`.execute(first)
    await sql`select set_config('application_name', 'left-over', false)`.execute(first)
    const counts = await rowCounts(first)
    expect(counts.tenants).toBe(1)
    await first.destroy()

    const second = await migratedPglite()
    try {
      const after = await rowCounts(second)
      expect(Object.values(after).every((n) => n === 0)).toBe(true)
      expect(Object.keys(after).length).toBe(Object.keys(counts).length)
      const seq = await sql<{ n: string }>`select nextval('events_seq_seq') as n`.execute(second)
      expect(Number(seq.rows[0]!.n)).toBe(1)
      const name = await sql<{
        v: string
      }>`select current_setting('application_name') as v`.execute(second)
      expect(name.rows[0]!.v).not.toBe('left-over')
      const migrations = await sql<{
        n: number
      }>`select count(*)::int as n from kysely_migration`.execute(second)
      expect(migrations.rows[0]!.n).toBeGreaterThan(0)
    } finally {
      await second.destroy()
    }
  })

  it('never reuses a database whose schema a test changed', async () => {
    const altered = await migratedPglite()
    await sql`alter table tenants add column pool_probe text`.execute(altered)
    await sql`create table pool_probe_table (x int)`.execute(altered)
    await sql`create temp table pool_probe_temp (x int)`.execute(altered)
    await altered.destroy()

    const next = await migratedPglite()
    try {
      const probes = await sql<{ n: number }>`
        select count(*)::int as n from information_schema.columns
        where column_name = 'pool_probe' or table_name in ('pool_probe_table', 'pool_probe_temp')`.execute(
        next,
      )
      expect(probes.rows[0]!.n).toBe(0)
    } finally {
      await next.destroy()
    }
  })

  it('fails queries on a handle given back, as a closed PGlite does, without reaching the next lease', async () => {
    const gone = await leaseMigratedPglite()
    await gone.close()
    expect(gone.closed).toBe(true)
    const next = await leaseMigratedPglite()
    try {
      await expect(gone.query('select 1')).rejects.toThrow(PGliteClosedError)
      await expect(
        gone.query(
          `insert into tenants (id, name, created_at, updated_at) values ('x', 'X', now(), now())`,
        ),
      ).rejects.toThrow(/closed/)
      expect(
        (await next.query<{ n: number }>('select count(*)::int as n from tenants')).rows[0]!.n,
      ).toBe(0)
    } finally {
      await next.close()
    }
  })
})

async function rowCounts(
  db: Awaited<ReturnType<typeof migratedPglite>>,
): Promise<Record<string, number>> {
  const tables = await sql<{ t: string }>`
    select table_name as t from information_schema.tables
    where table_schema = 'public' and table_type = 'BASE TABLE'
      and table_name not like 'kysely_migration%'`.execute(db)
  const counts: Record<string, number> = {}
  for (const { t } of tables.rows) {
    const r = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(t)}`.execute(db)
    counts[t] = r.rows[0]!.n
  }
  return counts
}
