import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'
import type { Database } from './database.js'
import { PGliteDialect } from './pglite-dialect.js'

/** Where the data lives. */
export interface DatabaseOptions {
  /** Postgres URL; when absent, PGlite is used. */
  databaseUrl?: string | undefined
  /** PGlite data directory parent (`<dataDir>/pgdata`); `memory://` keeps it in memory. */
  dataDir?: string | undefined
  dbPoolSize?: number
  dbTimeoutMs?: number
  /** Called with errors of idle pool clients (e.g. the server went away). */
  onPoolError?: (err: Error) => void
}

/** Which engine a database handle talks to. */
export type DatabaseKind = 'postgres' | 'pglite'

/** The kind of a database handle created by {@link createDatabase}. */
export const databaseKinds = new WeakMap<Kysely<Database>, DatabaseKind>()

/** Runs a named prepared statement straight on the pg pool (hot paths only). */
export type PreparedQuery = <R>(name: string, text: string, values: unknown[]) => Promise<R[]>

/** Prepared-statement runners of pg handles made by {@link createDatabase}. */
export const preparedQueries = new WeakMap<object, PreparedQuery>()

/**
 * Creates the Kysely handle: Postgres through `pg` when `databaseUrl` is set, otherwise PGlite
 * persisted under `dataDir` (default `./.tollgate`). Same schema, same queries for both.
 *
 * @example
 * ```ts
 * const db = createDatabase({ databaseUrl: process.env.DATABASE_URL })
 * await migrateToLatest(db)
 * ```
 */
export function createDatabase(options: DatabaseOptions = {}): Kysely<Database> {
  const timeout = options.dbTimeoutMs ?? 5000
  if (options.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: options.dbPoolSize ?? 10,
      connectionTimeoutMillis: timeout,
      // Both a server-side and a client-side bound, so a dead link fails a query instead of
      // hanging it forever.
      statement_timeout: timeout,
      query_timeout: timeout + 500,
      keepAlive: true,
    })
    // An idle client losing its connection must never crash the process.
    pool.on('error', (err) => options.onPoolError?.(err))
    // A checked-out client whose connection dies emits 'error' with no pool listener attached:
    // unhandled, that would crash the process in a database outage. The query fails anyway.
    pool.on('connect', (client) => {
      client.on('error', (err) => options.onPoolError?.(err))
    })
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
    databaseKinds.set(db, 'postgres')
    // Named statements are parsed and planned once per connection instead of per query.
    preparedQueries.set(db, async <R>(name: string, text: string, values: unknown[]) => {
      const result = await pool.query({ name, text, values })
      return result.rows as R[]
    })
    return db
  }
  const dataDir = options.dataDir ?? './.tollgate'
  const db = new Kysely<Database>({
    dialect: new PGliteDialect({
      pglite: async () => {
        if (dataDir === 'memory://') return PGlite.create()
        mkdirSync(dataDir, { recursive: true, mode: 0o700 })
        return PGlite.create(join(dataDir, 'pgdata'))
      },
    }),
  })
  databaseKinds.set(db, 'pglite')
  return db
}
