import { randomBytes } from 'node:crypto'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { insertApiKey } from '../src/api-keys/api-key.repository.js'
import { buildApp } from '../src/app.js'
import { seedLicense } from './helpers/fixtures.js'
import { TEST_MASTER_KEY, createTestApp, type TestApp } from './helpers/test-app.js'

const TEST_REDIS_URL = process.env.TEST_REDIS_URL || undefined
if (!TEST_REDIS_URL) {
  console.log(
    'rate-limits.test.ts: shared Redis store test skipped: set TEST_REDIS_URL=redis://127.0.0.1:6379',
  )
}

let t: TestApp
let pro: { token: string }
let free: { token: string }
beforeAll(async () => {
  t = await createTestApp({
    config: {
      rateLimit: { windowMs: 60_000, publicMax: 8, adminMax: 4, tiers: { pro: 3, default: 1000 } },
    },
  })
  // Seeding spends admin budget (3 calls each), so each seed gets its own key.
  const seedKey = async (name: string) =>
    (
      await t.db
        .transaction()
        .execute((trx) =>
          insertApiKey(trx, t.tenantId, { name, scopes: ['*'], createdBy: 'test' }, new Date()),
        )
    ).secret
  pro = await seedLicense(t, { key: await seedKey('seed-pro') })
  free = await seedLicense(t, { key: await seedKey('seed-free'), plan: { tier: 'free' } })
})
afterAll(() => t.close())

const validateFrom = (app: FastifyInstance, ip: string, key: string) =>
  app.inject({ method: 'POST', url: '/v1/licenses/validate', payload: { key }, remoteAddress: ip })

function expectLimited(res: LightMyRequestResponse): void {
  expect(res.statusCode, res.body).toBe(429)
  expect(res.json()).toMatchObject({ code: 'RATE_LIMITED', status: 429 })
  expect(Number(res.headers['retry-after'])).toBeGreaterThan(0)
  expect(res.headers['x-ratelimit-remaining']).toBe('0')
}

describe('rate limits', () => {
  it('limits admin calls per API key, independently for each key', async () => {
    const [a, b] = await Promise.all(
      ['a', 'b'].map((name) =>
        t
          .request('POST', '/v1/admin/api-keys', { name, scopes: ['plans:read'] })
          .then((r) => r.json<{ secret: string }>().secret),
      ),
    )
    for (let i = 0; i < 4; i++) {
      const res = await t.request('GET', '/v1/admin/plans', undefined, a)
      expect(res.statusCode).toBe(200)
      expect(res.headers['x-ratelimit-limit']).toBe('4')
      expect(res.headers['x-ratelimit-remaining']).toBe(String(3 - i))
    }
    expectLimited(await t.request('GET', '/v1/admin/plans', undefined, a))
    expect((await t.request('GET', '/v1/admin/plans', undefined, b)).statusCode).toBe(200)
  })

  it('limits public routes per client IP', async () => {
    for (let i = 0; i < 8; i++) {
      const res = await validateFrom(t.app, '10.0.0.1', free.token)
      expect(res.statusCode, `request ${i}`).toBe(200)
    }
    expectLimited(await validateFrom(t.app, '10.0.0.1', free.token))
    expectLimited(
      await t.app.inject({
        method: 'GET',
        url: '/.well-known/jwks.json',
        remoteAddress: '10.0.0.1',
      }),
    )
    expect((await validateFrom(t.app, '10.0.0.2', free.token)).statusCode).toBe(200)
  })

  it('limits validations per license by plan tier, across client IPs', async () => {
    for (let i = 0; i < 3; i++) {
      expect((await validateFrom(t.app, `10.1.0.${i}`, pro.token)).statusCode).toBe(200)
    }
    const limited = await validateFrom(t.app, '10.1.0.9', pro.token)
    expectLimited(limited)
    expect(limited.headers['x-ratelimit-limit']).toBe('3')
    // Another license (another tier) from the same IP is unaffected.
    expect((await validateFrom(t.app, '10.1.0.9', free.token)).statusCode).toBe(200)
  })

  it('does not limit health and metrics', async () => {
    for (let i = 0; i < 12; i++) {
      expect(
        (await t.app.inject({ method: 'GET', url: '/health', remoteAddress: '10.0.0.1' }))
          .statusCode,
      ).toBe(200)
    }
  })
})

describe.runIf(TEST_REDIS_URL)('rate limits with the Redis store', () => {
  const apps: FastifyInstance[] = []
  afterAll(async () => {
    for (const app of apps) await app.close()
  })

  it('two app instances share one limit', async () => {
    const nameSpace = `tollgate-test-${randomBytes(4).toString('hex')}:`
    for (let i = 0; i < 2; i++) {
      apps.push(
        await buildApp({
          env: {},
          db: t.db,
          logger: false,
          rateLimitNamespace: nameSpace,
          config: {
            masterKey: TEST_MASTER_KEY,
            dataDir: 'memory://',
            redisUrl: TEST_REDIS_URL,
            rateLimit: { windowMs: 60_000, publicMax: 6, adminMax: 100, tiers: { default: 1000 } },
          },
        }),
      )
    }
    const [one, two] = apps as [FastifyInstance, FastifyInstance]
    for (let i = 0; i < 3; i++) {
      expect((await validateFrom(one, '10.9.9.9', free.token)).statusCode).toBe(200)
      expect((await validateFrom(two, '10.9.9.9', free.token)).statusCode).toBe(200)
    }
    expectLimited(await validateFrom(one, '10.9.9.9', free.token))
    expectLimited(await validateFrom(two, '10.9.9.9', free.token))
    const other = await validateFrom(two, '10.9.9.8', free.token)
    expect(other.statusCode).toBe(200)
    expect(other.headers['x-ratelimit-remaining']).toBe('5')
  })
})
