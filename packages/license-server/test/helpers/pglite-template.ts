import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { Kysely, sql } from 'kysely'
import { inject } from 'vitest'
import { databaseKinds } from '../../src/db/create-database.js'
import type { Database } from '../../src/db/database.js'
import { migrateToLatest } from '../../src/db/migrate.js'
import { PGliteDialect } from '../../src/db/pglite-dialect.js'
import { leasePglite } from './pglite-pool.js'

declare module 'vitest' {
  export interface ProvidedContext {
    /** A directory that lives for one `vitest run` (test/global-setup.ts). */
    tollgateRunDir: string
  }
}

// PGlite's start (an initdb inside wasm) plus every migration was most of a server test file's
// set-up; loading a dump of one migrated database is about 3x faster (measured 1.5 s vs 3.7 s
// idle, 12 s vs 35 s at load 18). One dump per run, shared by the workers through the run's
// directory: made fresh from the current migrations, never reused across runs.
let template: Promise<File | Blob> | undefined

function runDir(): string | undefined {
  try {
    return inject('tollgateRunDir')
  } catch {
    return undefined // not under vitest's runner with our global setup: keep it per process
  }
}

async function migratedDump(): Promise<File | Blob> {
  const dir = runDir()
  const file = dir ? join(dir, 'pglite-migrated.tar') : undefined
  if (file && existsSync(file)) return new Blob([readFileSync(file)])
  const pg = await PGlite.create()
  try {
    await migrateToLatest(new Kysely<Database>({ dialect: new PGliteDialect({ pglite: pg }) }))
    const dump = await pg.dumpDataDir('none')
    if (file) {
      // Two workers may make it at once: each writes its own file, the rename is atomic.
      const tmp = `${file}.${process.pid}`
      writeFileSync(tmp, Buffer.from(await dump.arrayBuffer()))
      renameSync(tmp, file)
    }
    return dump
  } finally {
    await pg.close()
  }
}

/**
 * A fresh in-memory PGlite database with every migration applied and no rows, loaded from a dump
 * made once per run (the same schema `migrateToLatest` gives, without paying for it per
 * database), or an emptied one an earlier test of this worker gave back.
 *
 * @example
 * ```ts
 * const db = await migratedPglite()
 * const app = await buildApp({ db, config })
 * afterAll(async () => { await app.close(); await db.destroy() })
 * ```
 */
export async function migratedPglite(): Promise<Kysely<Database>> {
  const db = new Kysely<Database>({
    dialect: new PGliteDialect({ pglite: leaseMigratedPglite }),
  })
  databaseKinds.set(db, 'pglite')
  // Opened now, as migrating used to: Kysely's destroy() of a never-used database is a no-op,
  // and a test that destroys one to simulate an outage must see its queries fail.
  await sql`select 1`.execute(db)
  return db
}

/**
 * The raw PGlite under {@link migratedPglite}: reused from an earlier test of this worker when
 * one gave its database back (see pglite-pool), else loaded from the run's dump. Its `close()`
 * gives it back.
 *
 * @example
 * ```ts
 * const pg = await leaseMigratedPglite()
 * await pg.query('select count(*) from tenants')
 * await pg.close()
 * ```
 */
export async function leaseMigratedPglite(): Promise<PGlite> {
  template ??= migratedDump()
  const dump = await template
  return leasePglite(() => PGlite.create({ loadDataDir: dump }))
}

/**
 * Fills `<dataDir>/pgdata` (where the server keeps PGlite on disk) from the run's migrated dump,
 * so an app that opens its own database in `dataDir` finds it migrated instead of running initdb
 * and every migration on disk (minutes on a loaded machine).
 *
 * @example
 * ```ts
 * const dir = mkdtempSync(join(tmpdir(), 'tg-'))
 * await seedMigratedDataDir(dir)
 * const app = await buildApp({ env: {}, config: { dataDir: dir } })
 * ```
 */
export async function seedMigratedDataDir(dataDir: string): Promise<void> {
  template ??= migratedDump()
  const dump = await template
  mkdirSync(dataDir, { recursive: true, mode: 0o700 })
  const pg = await PGlite.create(join(dataDir, 'pgdata'), { loadDataDir: dump })
  await pg.close()
}
