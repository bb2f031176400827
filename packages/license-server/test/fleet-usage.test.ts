import { randomUUID } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import type { Kysely } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../src/db/database.js'
import { createClock } from './helpers/clock.js'
import { POLICY } from './helpers/fixtures.js'
import { createPostgresDatabase, createTestDatabase, TEST_DB_KIND } from './helpers/test-db.js'
import { buildFleetApp, expectError, publicPost } from './fleet-support.js'

/**
 * Two app instances on one database: on Postgres each has its own pool to the same fresh
 * database (two servers behind a load balancer); on PGlite they share the one handle.
 */
let a: FastifyInstance
let b: FastifyInstance
let db: Kysely<Database> | undefined
let cleanup: () => Promise<void>
const clock = createClock(new Date('2026-12-01T10:00:00Z'))

beforeAll(async () => {
  if (TEST_DB_KIND === 'postgres') {
    const pgdb = await createPostgresDatabase()
    a = await buildFleetApp({ databaseUrl: pgdb.url, clock })
    b = await buildFleetApp({ databaseUrl: pgdb.url, clock })
    cleanup = async () => {
      await a.close()
      await b.close()
      await pgdb.drop()
    }
  } else {
    const t = await createTestDatabase()
    db = t.db
    a = await buildFleetApp({ db, clock })
    b = await buildFleetApp({ db, clock })
    cleanup = async () => {
      await a.close()
      await b.close()
      await t.destroy()
    }
  }
})
afterAll(() => cleanup())

function admin(app: FastifyInstance, method: 'GET' | 'POST', url: string, payload?: object) {
  return app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${a.tollgate.bootstrap.ownerKey}` },
    ...(payload ? { payload } : {}),
  })
}

async function seed(): Promise<{ licenseId: string; token: string }> {
  const cus = await admin(a, 'POST', '/v1/admin/customers', { name: 'Acme' })
  const plan = await admin(a, 'POST', '/v1/admin/plans', {
    name: 'Pro',
    product: 'acme-app',
    tier: 'pro',
    entitlements: [],
    limits: {},
    policy: POLICY,
    durationDays: 365,
  })
  const lic = await admin(a, 'POST', '/v1/admin/licenses', {
    customerId: cus.json<{ id: string }>().id,
    planId: plan.json<{ id: string }>().id,
  })
  expect(lic.statusCode, lic.body).toBe(201)
  const body = lic.json<{ license: { id: string }; token: string }>()
  return { licenseId: body.license.id, token: body.token }
}

type Counter = { metric: string; amount: number; period: string }
const send = (
  app: FastifyInstance,
  key: string,
  batchId: string,
  counters: Counter[],
  deploymentId = 'inst-1',
) => publicPost(app, '/v1/usage', { key, deploymentId, batchId, counters })

async function usage(licenseId: string, query = '') {
  const res = await admin(b, 'GET', `/v1/admin/licenses/${licenseId}/usage${query}`)
  expect(res.statusCode, res.body).toBe(200)
  return res.json<{ licenseId: string; items: { metric: string; day: string; amount: number }[] }>()
    .items
}

describe('usage', () => {
  it('counts a replayed batch once and reports per metric and day', async () => {
    const { licenseId, token } = await seed()
    const batch = [
      { metric: 'api_calls', amount: 10, period: '2026-12-01' },
      { metric: 'api_calls', amount: 5, period: '2026-12-01' },
      { metric: 'api_calls', amount: 7, period: '2026-11-30' },
      { metric: 'gb', amount: 0.1, period: '2026-12-01' },
    ]
    const first = await send(a, token, 'batch-1', batch)
    expect(first.statusCode, first.body).toBe(200)
    expect(first.json()).toEqual({ accepted: true, duplicate: false })
    const replay = await send(a, token, 'batch-1', batch)
    expect(replay.json()).toEqual({ accepted: true, duplicate: true })
    const elsewhere = await send(b, token, 'batch-1', batch)
    expect(elsewhere.json()).toEqual({ accepted: true, duplicate: true })
    expect(await usage(licenseId)).toEqual([
      { metric: 'api_calls', day: '2026-11-30', amount: 7 },
      { metric: 'api_calls', day: '2026-12-01', amount: 15 },
      { metric: 'gb', day: '2026-12-01', amount: 0.1 },
    ])
    expect(await usage(licenseId, '?metric=api_calls&from=2026-12-01&to=2026-12-31')).toEqual([
      { metric: 'api_calls', day: '2026-12-01', amount: 15 },
    ])
  })

  it('two app instances on one database count a fleet exactly, same and different batches at once', async () => {
    const { licenseId, token } = await seed()
    const deployments = 10
    const batchesPer = 12
    let expectedCalls = 0
    let expectedTenths = 0
    const sends: Promise<{ statusCode: number; duplicate: boolean; id: string }>[] = []
    const all: { id: string; counters: Counter[]; d: number }[] = []
    for (let d = 0; d < deployments; d++) {
      for (let i = 0; i < batchesPer; i++) {
        const id = randomUUID()
        const calls = d * 100 + i + 1
        expectedCalls += calls
        expectedTenths += 1
        const counters = [
          { metric: 'api_calls', amount: calls, period: '2026-12-01' },
          { metric: 'gb', amount: 0.1, period: '2026-12-01' },
        ]
        // Every batch goes to one instance; every third also to the other at the same moment
        // (a retry through the load balancer).
        all.push({ id, counters, d })
        const targets = i % 3 === 0 ? [a, b] : [i % 2 === 0 ? a : b]
        for (const app of targets) {
          sends.push(
            send(app, token, id, counters, `inst-${d}`).then((r) => ({
              statusCode: r.statusCode,
              duplicate: r.json<{ duplicate: boolean }>().duplicate,
              id,
            })),
          )
        }
      }
    }
    const results = await Promise.all(sends)
    expect(results.every((r) => r.statusCode === 200)).toBe(true)
    // Exactly one send per batch id counted it.
    const counted = new Map<string, number>()
    for (const r of results) if (!r.duplicate) counted.set(r.id, (counted.get(r.id) ?? 0) + 1)
    expect(counted.size).toBe(deployments * batchesPer)
    expect([...counted.values()].every((n) => n === 1)).toBe(true)
    // Later, every batch is replayed once more to both instances: all duplicates.
    const replays = await Promise.all(
      all.flatMap(({ id, counters, d }) =>
        [a, b].map((app) => send(app, token, id, counters, `inst-${d}`)),
      ),
    )
    expect(replays.every((r) => r.json<{ duplicate: boolean }>().duplicate)).toBe(true)

    expect(await usage(licenseId)).toEqual([
      { metric: 'api_calls', day: '2026-12-01', amount: expectedCalls },
      // numeric sums: 120 x 0.1 is exactly 12, not 12.000000000000002
      { metric: 'gb', day: '2026-12-01', amount: expectedTenths / 10 },
    ])
  })

  it('rejects bad batches with a code, and hides other tenants', async () => {
    const { licenseId, token } = await seed()
    expectError(
      await send(a, token, 'bad-day', [{ metric: 'x', amount: 1, period: '2026-02-30' }]),
      400,
      'VALIDATION_FAILED',
    )
    expectError(
      await send(a, token, 'neg', [{ metric: 'x', amount: -1, period: '2026-12-01' }]),
      400,
      'VALIDATION_FAILED',
    )
    expectError(await send(a, token, 'empty', []), 400, 'VALIDATION_FAILED')
    expectError(
      await send(a, 'TG1-nope-00000000', 'k', [{ metric: 'x', amount: 1, period: '2026-12-01' }]),
      401,
      'INVALID_LICENSE_KEY',
    )
    expectError(
      await admin(a, 'GET', `/v1/admin/licenses/${licenseId}/usage?from=2026-13-01`),
      400,
      'VALIDATION_FAILED',
    )
    expect(await usage(licenseId)).toEqual([])
    expectError(
      await admin(a, 'GET', '/v1/admin/licenses/lic_000000000000000000000000/usage'),
      404,
      'NOT_FOUND',
    )
  })
})
