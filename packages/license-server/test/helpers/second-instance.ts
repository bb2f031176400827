import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.js'
import type { Config } from '../../src/config/load-config.js'
import { createDatabase } from '../../src/db/create-database.js'
import { TEST_MASTER_KEY, type TestApp } from './test-app.js'

/**
 * Another server instance on the test app's database and clock: its own connection pool on
 * Postgres (a separate process in production), the same handle on PGlite (one process only).
 * Start several to test work that N instances share; close each.
 *
 * @example
 * ```ts
 * const other = await startInstance(t, { webhooks })
 * await Promise.all([t.app.webhooks.deliver(), other.app.webhooks.deliver()])
 * await other.close()
 * ```
 */
export async function startInstance(
  t: TestApp,
  config: Partial<Config> = {},
): Promise<{ app: FastifyInstance; close: () => Promise<void> }> {
  const db = t.testDb.url ? createDatabase({ databaseUrl: t.testDb.url, dbPoolSize: 5 }) : t.db
  const app = await buildApp({
    env: {},
    config: { masterKey: TEST_MASTER_KEY, dataDir: 'memory://', logLevel: 'silent', ...config },
    db,
    now: t.clock.now,
    logger: false,
  })
  return {
    app,
    close: async () => {
      await app.close()
      if (db !== t.db) await db.destroy()
    },
  }
}
