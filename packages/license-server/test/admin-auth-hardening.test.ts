// Admin keys under attack (issue 20): scope-limited revocation, the last owner key, failed
// authentications limited per IP before any lookup, and the key lookup cache.
import { randomBytes } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../src/app.js'
import { post, type Obj } from './helpers/fixtures.js'
import { createTestApp, TEST_MASTER_KEY, type TestApp } from './helpers/test-app.js'
import { buildFleetApp, expectError } from './fleet-support.js'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp({
    config: { adminAuth: { failuresMax: 5, failureWindowMs: 60_000, keyCacheMs: 5_000 } },
  })
})
afterAll(() => t.close())

async function newKey(scopes: string[], by = t.adminKey): Promise<{ id: string; secret: string }> {
  const r = await post<{ apiKey: Obj; secret: string }>(
    t,
    '/v1/admin/api-keys',
    { name: scopes.join(','), scopes },
    201,
    by,
  )
  return { id: r.apiKey.id, secret: r.secret }
}

const ownerKeyId = async () =>
  (
    await t.db
      .selectFrom('api_keys')
      .select('id')
      .where('tenant_id', '=', t.tenantId)
      .where('revoked_at', 'is', null)
      .where('name', '!=', '*')
      .orderBy('id')
      .executeTakeFirstOrThrow()
  ).id

describe('revoking API keys', () => {
  it('a keys:admin key cannot revoke a key holding scopes it lacks (the owner key)', async () => {
    const keysAdmin = await newKey(['keys:admin'])
    const owner = await ownerKeyId()
    const res = await t.request(
      'POST',
      `/v1/admin/api-keys/${owner}/revoke`,
      undefined,
      keysAdmin.secret,
    )
    expectError(res, 403, 'INSUFFICIENT_SCOPE')
    const wider = await newKey(['keys:admin', 'licenses:write'])
    expectError(
      await t.request('POST', `/v1/admin/api-keys/${wider.id}/revoke`, undefined, keysAdmin.secret),
      403,
      'INSUFFICIENT_SCOPE',
    )
    // A key within its own scopes it may revoke.
    const peer = await newKey(['keys:admin'])
    const ok = await t.request(
      'POST',
      `/v1/admin/api-keys/${peer.id}/revoke`,
      undefined,
      keysAdmin.secret,
    )
    expect(ok.statusCode, ok.body).toBe(200)
  })

  it('the last active owner key cannot be revoked, not even by itself', async () => {
    const owner = await ownerKeyId()
    expectError(
      await t.request('POST', `/v1/admin/api-keys/${owner}/revoke`),
      409,
      'LAST_OWNER_KEY',
    )
    const second = await newKey(['*'])
    const res = await t.request('POST', `/v1/admin/api-keys/${second.id}/revoke`)
    expect(res.statusCode, res.body).toBe(200)
    expectError(
      await t.request('POST', `/v1/admin/api-keys/${owner}/revoke`),
      409,
      'LAST_OWNER_KEY',
    )
    // The owner key still works.
    expect((await t.request('GET', '/v1/admin/api-keys')).statusCode).toBe(200)
  })
})

describe('failed admin authentications', () => {
  it('are limited per IP before the lookup; other IPs are unaffected', async () => {
    const bad = { authorization: `Bearer tg_admin_${'Z'.repeat(40)}` }
    for (let i = 0; i < 5; i++) {
      const res = await t.app.inject({
        method: 'GET',
        url: '/v1/admin/customers',
        headers: bad,
        remoteAddress: '10.9.9.9',
      })
      expectError(res, 401, 'INVALID_API_KEY')
    }
    const limited = await t.app.inject({
      method: 'GET',
      url: '/v1/admin/customers',
      headers: bad,
      remoteAddress: '10.9.9.9',
    })
    expectError(limited, 429, 'RATE_LIMITED')
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0)
    // Blocked before any lookup: even a valid key from that IP waits out the window.
    const valid = await t.app.inject({
      method: 'GET',
      url: '/v1/admin/customers',
      headers: { authorization: `Bearer ${t.adminKey}` },
      remoteAddress: '10.9.9.9',
    })
    expectError(valid, 429, 'RATE_LIMITED')
    const other = await t.app.inject({
      method: 'GET',
      url: '/v1/admin/customers',
      headers: { authorization: `Bearer ${t.adminKey}` },
      remoteAddress: '10.9.9.10',
    })
    expect(other.statusCode).toBe(200)
    t.clock.advance(60_001)
    const later = await t.app.inject({
      method: 'GET',
      url: '/v1/admin/customers',
      headers: bad,
      remoteAddress: '10.9.9.9',
    })
    expectError(later, 401, 'INVALID_API_KEY')
  })
})

/** Set (as .ci/run does) to run the shared-limit test against a real Redis. */
const TEST_REDIS_URL = process.env.TEST_REDIS_URL || undefined

describe.runIf(TEST_REDIS_URL)('failed admin authentications with Redis', () => {
  const apps: FastifyInstance[] = []
  afterAll(async () => {
    for (const app of apps) await app.close()
  })

  it('are limited across instances sharing one Redis', async () => {
    const rateLimitNamespace = `tollgate-test-${randomBytes(4).toString('hex')}:`
    for (let i = 0; i < 2; i++) {
      apps.push(
        await buildApp({
          env: {},
          db: t.db,
          logger: false,
          rateLimitNamespace,
          config: {
            masterKey: TEST_MASTER_KEY,
            dataDir: 'memory://',
            logLevel: 'silent',
            redisUrl: TEST_REDIS_URL,
            adminAuth: { failuresMax: 5, failureWindowMs: 60_000, keyCacheMs: 5_000 },
          },
        }),
      )
    }
    const [one, two] = apps as [FastifyInstance, FastifyInstance]
    const from = (app: FastifyInstance, ip: string, key = `tg_admin_${'Y'.repeat(40)}`) =>
      app.inject({
        method: 'GET',
        url: '/v1/admin/customers',
        headers: { authorization: `Bearer ${key}` },
        remoteAddress: ip,
      })
    // Five failures split over two instances reach the limit of five on both.
    for (const app of [one, two, one, two, one]) {
      expectError(await from(app, '10.7.7.7'), 401, 'INVALID_API_KEY')
    }
    for (const app of [one, two]) {
      const limited = await from(app, '10.7.7.7', t.adminKey)
      expectError(limited, 429, 'RATE_LIMITED')
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0)
    }
    expect((await from(two, '10.7.7.8', t.adminKey)).statusCode).toBe(200)
  })
})

describe('admin key lookup cache', () => {
  let other: FastifyInstance
  beforeAll(async () => {
    other = await buildFleetApp({ db: t.db, clock: t.clock })
  })
  afterAll(() => other.close())

  it('a revocation is immediate on the revoking instance, within ADMIN_KEY_CACHE_MS elsewhere', async () => {
    const k = await newKey(['customers:read'])
    const on = (app: FastifyInstance) =>
      app.inject({
        method: 'GET',
        url: '/v1/admin/customers',
        headers: { authorization: `Bearer ${k.secret}` },
      })
    expect((await on(t.app)).statusCode).toBe(200)
    expect((await on(other)).statusCode).toBe(200)
    expect((await t.request('POST', `/v1/admin/api-keys/${k.id}/revoke`)).statusCode).toBe(200)
    expectError(await on(t.app), 401, 'API_KEY_REVOKED')
    // The other instance may still answer from its cache for at most ADMIN_KEY_CACHE_MS.
    expect((await on(other)).statusCode).toBe(200)
    t.clock.advance(5_001)
    expectError(await on(other), 401, 'API_KEY_REVOKED')
  })
})
