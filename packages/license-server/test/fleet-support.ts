// Shared setup of the fleet-*.test.ts files (not a test file itself).
import { KeySet, type Jwks } from '@tollgate/license-client'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import type { Kysely } from 'kysely'
import { expect } from 'vitest'
import { buildApp } from '../src/app.js'
import type { Config } from '../src/config/load-config.js'
import type { Database } from '../src/db/database.js'
import type { FleetOverrides } from '../src/deployments/setup-fleet.js'
import type { FakeClock } from './helpers/clock.js'
import { TEST_MASTER_KEY } from './helpers/test-app.js'

/** Test config: in-memory master key, silent, rate limits out of the way. */
export const FLEET_TEST_CONFIG = {
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

/**
 * One more app instance: on an existing Kysely handle (`db`), or with its own pool to a
 * Postgres URL (`databaseUrl`), like a second server behind a load balancer.
 */
export async function buildFleetApp(opts: {
  db?: Kysely<Database>
  databaseUrl?: string
  clock: FakeClock
  fleet?: FleetOverrides
}): Promise<FastifyInstance> {
  return buildApp({
    env: {},
    config: {
      ...FLEET_TEST_CONFIG,
      ...(opts.databaseUrl ? { databaseUrl: opts.databaseUrl, dbPoolSize: 4 } : {}),
    },
    ...(opts.db ? { db: opts.db } : {}),
    now: opts.clock.now,
    logger: false,
    fleet: { heartbeatFlushMs: 0, cullIntervalMs: 0, ...opts.fleet },
  })
}

/** POSTs JSON to a public route (no admin key). */
export function publicPost(
  app: FastifyInstance,
  url: string,
  payload: unknown,
  remoteAddress = '127.0.0.1',
): Promise<LightMyRequestResponse> {
  return app.inject({ method: 'POST', url, payload: payload as object, remoteAddress })
}

/** The server's JWKS as a client would fetch it. */
export async function fetchKeys(app: FastifyInstance): Promise<KeySet> {
  const res = await app.inject({ method: 'GET', url: '/.well-known/jwks.json' })
  expect(res.statusCode).toBe(200)
  return KeySet.from(res.json<Jwks>())
}

/** Expects an error answer with a code. */
export function expectError(res: LightMyRequestResponse, status: number, code: string): void {
  expect(res.statusCode, res.body).toBe(status)
  expect(res.json()).toMatchObject({ code, status })
}
