import type { PGlite } from '@electric-sql/pglite'

// Loading the migrated dump into a new PGlite (untar, wasm start, Postgres start) costs about
// 1.1 s of CPU; the suite opens about a hundred of them, a quarter of its CPU. A database a test
// has closed is emptied instead (TRUNCATE of every table, DISCARD ALL: under 0.1 s) and handed to
// the next test in the same worker. Only when its schema is exactly the migrated one: a test
// that altered, dropped or added anything (a migration test, a fault injected with DDL) gets
// its database closed, never reused.

/** Idle databases kept per worker; each holds a few tens of MB. */
const MAX_IDLE = 3
const idle: PGlite[] = []

// What a test could change besides rows: any difference and the database is not reused.
const SCHEMA_FINGERPRINT = `
select md5(coalesce(string_agg(x, E'\\n' order by x), '')) as f from (
  select 'c:' || table_schema || '.' || table_name || '.' || column_name || ':' || data_type
      || ':' || coalesce(column_default, '') || ':' || is_nullable as x
    from information_schema.columns where table_schema not in ('pg_catalog', 'information_schema')
  union all select 'i:' || schemaname || '.' || indexname || ':' || indexdef
    from pg_indexes where schemaname not in ('pg_catalog', 'information_schema')
  union all select 'k:' || conrelid::regclass::text || '.' || conname || ':' || pg_get_constraintdef(c.oid)
    from pg_constraint c join pg_namespace n on n.oid = c.connamespace
    where n.nspname not in ('pg_catalog', 'information_schema')
  union all select 't:' || tgrelid::regclass::text || '.' || tgname || ':' || tgenabled::text
    from pg_trigger where not tgisinternal
  union all select 'f:' || p.oid::regprocedure::text || ':' || md5(p.prosrc)
    from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname not in ('pg_catalog', 'information_schema')
  union all select 'p:' || schemaname || '.' || tablename || '.' || policyname from pg_policies
  union all select 'n:' || nspname from pg_namespace
  union all select 's:' || schemaname || '.' || sequencename from pg_sequences
  union all select 'r:' || rolname from pg_roles
  union all select 'e:' || extname || ':' || extversion from pg_extension
  union all select 'm:' || name from kysely_migration
) s`

const USER_TABLES = `
select quote_ident(table_schema) || '.' || quote_ident(table_name) as t
  from information_schema.tables
  where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')
    and table_name not in ('kysely_migration', 'kysely_migration_lock')`

interface Pristine {
  fingerprint: string
  truncate: string
}
let pristine: Promise<Pristine> | undefined

async function fingerprintOf(pg: PGlite): Promise<string> {
  return (await pg.query<{ f: string }>(SCHEMA_FINGERPRINT)).rows[0]!.f
}

async function pristineOf(pg: PGlite): Promise<Pristine> {
  const tables = (await pg.query<{ t: string }>(USER_TABLES)).rows.map((r) => r.t)
  return {
    fingerprint: await fingerprintOf(pg),
    truncate: `truncate table ${tables.join(', ')} restart identity cascade`,
  }
}

/** Empties `pg` for the next test, or closes it when it cannot be trusted to be pristine. */
async function giveBack(pg: PGlite): Promise<void> {
  try {
    const clean = await pristine
    if (idle.length < MAX_IDLE && clean && !pg.closed) {
      // A transaction a test left open (it destroyed the database mid-way) ends here.
      await pg.exec('rollback')
      if ((await fingerprintOf(pg)) === clean.fingerprint) {
        await pg.exec(clean.truncate)
        await pg.exec('discard all')
        idle.push(pg)
        return
      }
    }
  } catch {
    // not reusable: closed below
  }
  if (!pg.closed) await pg.close().catch(() => undefined)
}

/**
 * A PGlite with the migrated schema and no rows: a reused one when a test gave one back, else
 * `create()`. Its `close()` gives it back; after that the handle behaves as a closed PGlite
 * ("PGlite is closed"), so a test that closes its database to simulate an outage still sees
 * its queries fail, and never reaches the next test's data.
 *
 * @example
 * ```ts
 * const pg = await leasePglite(() => PGlite.create({ loadDataDir: dump }))
 * const db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite: pg }) })
 * ```
 */
export async function leasePglite(create: () => Promise<PGlite>): Promise<PGlite> {
  let pg = idle.pop()
  if (!pg) {
    pg = await create()
    if (!pristine) {
      // Taken before any test touches it. A failure only means nothing is reused (giveBack).
      pristine = pristineOf(pg)
      await pristine.catch(() => undefined)
    }
  }
  return lease(pg)
}

function lease(pg: PGlite): PGlite {
  let closed = false
  return new Proxy(pg, {
    get(target, prop) {
      if (prop === 'closed') return closed || target.closed
      if (prop === 'close') {
        return async (): Promise<void> => {
          if (closed) return
          closed = true
          await giveBack(target)
        }
      }
      const value: unknown = Reflect.get(target, prop, target)
      if (typeof value !== 'function') return value
      return (...args: unknown[]): unknown => {
        // PGlite's methods are async and reject once closed; so does a handle given back.
        if (closed) return Promise.reject(new PGliteClosedError())
        return (value as (...a: unknown[]) => unknown).apply(target, args)
      }
    },
  })
}

/** A query on a database the test has closed; PGlite's own message. */
export class PGliteClosedError extends Error {
  readonly code = 'PGLITE_CLOSED'
  constructor() {
    super('PGlite is closed')
    this.name = 'PGliteClosedError'
  }
}
