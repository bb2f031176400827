import type { AddressInfo } from 'node:net'
import { buildApp } from '@tollgate/license-server'
// The server's own test helper: one migrated PGlite dump per run instead of migrating per server.
import { migratedPglite } from '../../../license-server/test/helpers/pglite-template.js'

/** A fixed master key for tests only. */
const TEST_MASTER_KEY = '00'.repeat(16) + 'cd'.repeat(16)

export interface RunningServer {
  url: string
  /** The bootstrap owner key (scope `*`). */
  adminKey: string
  close(): Promise<void>
}

/**
 * The real license server on a random port, on an in-memory PGlite database, with generous rate
 * limits. One per test file; the database comes migrated from the run's dump.
 */
export async function startServer(
  opts: { env?: Record<string, string> } = {},
): Promise<RunningServer> {
  const db = await migratedPglite()
  const app = await buildApp({
    db,
    env: opts.env ?? {},
    config: {
      masterKey: TEST_MASTER_KEY,
      dataDir: 'memory://',
      logLevel: 'silent',
      rateLimit: {
        windowMs: 60_000,
        publicMax: 1_000_000,
        adminMax: 1_000_000,
        tiers: { default: 1_000_000 },
      },
    },
    logger: false,
  }).catch(async (err: unknown) => {
    await db.destroy()
    throw err
  })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as AddressInfo
  const adminKey = app.tollgate.bootstrap.ownerKey
  if (!adminKey) throw new Error('bootstrap did not create an owner key')
  return {
    url: `http://127.0.0.1:${port}`,
    adminKey,
    // buildApp does not close a database it was given.
    close: async () => {
      await app.close()
      await db.destroy()
    },
  }
}
