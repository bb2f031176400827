import type { SigningKey } from '@tollgate/license-client'
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify'
import type { Kysely } from 'kysely'
import { buildApp, type BuildAppOptions } from '../../src/app.js'
import type { Config } from '../../src/config/load-config.js'
import type { Database } from '../../src/db/database.js'
import { createTenant } from '../../src/tenants/create-tenant.js'
import { createClock, type FakeClock } from './clock.js'
import { createTestDatabase, type TestDatabase } from './test-db.js'

/** A fixed master key for tests (never use outside tests). */
export const TEST_MASTER_KEY = '00'.repeat(16) + 'ab'.repeat(16)

/** Everything a server test needs. */
export interface TestApp {
  app: FastifyInstance
  db: Kysely<Database>
  testDb: TestDatabase
  /** The bootstrap owner key (scope `*`) of `tenantId`. */
  adminKey: string
  tenantId: string
  signingKey: SigningKey
  clock: FakeClock
  /** `app.inject` with `Authorization: Bearer <key>` (default: adminKey). */
  request(
    method: InjectOptions['method'],
    url: string,
    body?: unknown,
    key?: string | null,
  ): Promise<LightMyRequestResponse>
  /** Creates another tenant with its own owner key. */
  addTenant(name?: string): Promise<{ tenantId: string; adminKey: string }>
  close(): Promise<void>
}

/**
 * A real app on a fresh database (PGlite in memory, or a fresh Postgres database when
 * TEST_DATABASE_URL is set), with a fake clock and generous rate limits. Share one per file.
 *
 * @example
 * ```ts
 * let t: TestApp
 * beforeAll(async () => { t = await createTestApp() })
 * afterAll(() => t.close())
 * const res = await t.request('GET', '/v1/admin/customers')
 * ```
 */
export async function createTestApp(
  opts: { config?: Partial<Config>; clock?: FakeClock } & Pick<
    BuildAppOptions,
    'rateLimitNamespace'
  > = {},
): Promise<TestApp> {
  const testDb = await createTestDatabase()
  const clock = opts.clock ?? createClock()
  const base = {
    masterKey: TEST_MASTER_KEY,
    dataDir: 'memory://',
    logLevel: 'silent',
    rateLimit: {
      windowMs: 60_000,
      publicMax: 1_000_000,
      adminMax: 1_000_000,
      tiers: { default: 1_000_000 },
    },
    adminAuth: { failuresMax: 1_000_000, failureWindowMs: 60_000, keyCacheMs: 5_000 },
  } satisfies Partial<Config>
  let app: FastifyInstance
  try {
    app = await buildApp({
      env: {},
      config: { ...base, ...opts.config },
      db: testDb.db,
      now: clock.now,
      logger: false,
      ...(opts.rateLimitNamespace ? { rateLimitNamespace: opts.rateLimitNamespace } : {}),
    })
  } catch (err) {
    await testDb.destroy()
    throw err
  }
  const { bootstrap, signingKeys } = app.tollgate
  const adminKey = bootstrap.ownerKey!
  const signingKey = await signingKeys.getActive(testDb.db, bootstrap.tenantId)
  const request: TestApp['request'] = (method, url, body, key) =>
    app.inject({
      method,
      url,
      headers: key === null ? {} : { authorization: `Bearer ${key ?? adminKey}` },
      ...(body === undefined ? {} : { payload: body as InjectOptions['payload'] }),
    })
  return {
    app,
    db: testDb.db,
    testDb,
    adminKey,
    tenantId: bootstrap.tenantId,
    signingKey,
    clock,
    request,
    addTenant: async (name = 'other') => {
      const t = await testDb.db
        .transaction()
        .execute((trx) => createTenant(trx, signingKeys.masterKey, { name, now: clock.now() }))
      return { tenantId: t.tenant.id, adminKey: t.ownerKey }
    },
    close: async () => {
      await app.close()
      await testDb.destroy()
    },
  }
}
