import { randomBytes } from 'node:crypto'
import type { Kysely } from 'kysely'
import pg from 'pg'
import { createDatabase } from '../../src/db/create-database.js'
import type { Database } from '../../src/db/database.js'
import { migrateToLatest } from '../../src/db/migrate.js'
import { migratedPglite } from './pglite-template.js'

/** Set to run the suite against real Postgres (e.g. postgres://postgres@127.0.0.1:5432/test). */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || undefined

/** Which engine this run uses. */
export const TEST_DB_KIND: 'postgres' | 'pglite' = TEST_DATABASE_URL ? 'postgres' : 'pglite'

/** A fresh, isolated database for one test file. */
export interface TestDatabase {
  db: Kysely<Database>
  kind: 'postgres' | 'pglite'
  /** Postgres only: the URL of the fresh database (for apps that make their own pool). */
  url?: string
  destroy: () => Promise<void>
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url)
  u.pathname = `/${name}`
  return u.toString()
}

/**
 * Creates an empty Postgres database `tg_test_<random>` on TEST_DATABASE_URL's server and
 * returns its URL and a dropper. Use for apps that open their own pool (restart tests).
 */
export async function createPostgresDatabase(
  baseUrl: string = TEST_DATABASE_URL!,
): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `tg_test_${randomBytes(6).toString('hex')}`
  const admin = new pg.Client({ connectionString: baseUrl })
  await admin.connect()
  try {
    await admin.query(`create database "${name}"`)
  } finally {
    await admin.end()
  }
  return {
    url: withDatabase(baseUrl, name),
    drop: async () => {
      const c = new pg.Client({ connectionString: baseUrl })
      await c.connect()
      try {
        await c.query(`drop database if exists "${name}" with (force)`)
      } finally {
        await c.end()
      }
    },
  }
}

/**
 * A fresh database: PGlite in memory by default; a freshly created Postgres database when
 * TEST_DATABASE_URL is set (dropped by `destroy`). Migrated unless `migrate: false`.
 *
 * @example
 * ```ts
 * const t = await createTestDatabase()
 * afterAll(() => t.destroy())
 * ```
 */
export async function createTestDatabase(opts: { migrate?: boolean } = {}): Promise<TestDatabase> {
  if (!TEST_DATABASE_URL) {
    // Migrated: loaded from the run's migrated dump. Tests of the migrations themselves ask for
    // an empty database and migrate it for real.
    const db =
      opts.migrate === false ? createDatabase({ dataDir: 'memory://' }) : await migratedPglite()
    return { db, kind: 'pglite', destroy: () => db.destroy() }
  }
  const { url, drop } = await createPostgresDatabase()
  const db = createDatabase({ databaseUrl: url, dbPoolSize: 5 })
  if (opts.migrate !== false) await migrateToLatest(db)
  return {
    db,
    kind: 'postgres',
    url,
    destroy: async () => {
      await db.destroy()
      await drop()
    },
  }
}
