import type { FastifyInstance } from 'fastify'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../src/app.js'
import { startTcpProxy, type TcpProxy } from './helpers/tcp-proxy.js'
import { TEST_MASTER_KEY } from './helpers/test-app.js'
import { TEST_DATABASE_URL, createPostgresDatabase } from './helpers/test-db.js'

// The outage is cut between the app and a real Postgres; PGlite is in-process and cannot be cut.
if (!TEST_DATABASE_URL) {
  console.log(
    'db-outage.test.ts: skipped: needs TEST_DATABASE_URL (a real Postgres to cut a TCP proxy in front of)',
  )
}

describe.runIf(TEST_DATABASE_URL)('database outage through a TCP proxy', () => {
  let proxy: TcpProxy
  let app: FastifyInstance
  let adminKey: string
  let direct: pg.Client
  let drop: () => Promise<void>
  let token: string

  const req = (method: 'GET' | 'POST', url: string, payload?: unknown) =>
    app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${adminKey}` },
      ...(payload ? { payload } : {}),
    })

  beforeAll(async () => {
    const created = await createPostgresDatabase()
    drop = created.drop
    const target = new URL(created.url)
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) })
    const viaProxy = new URL(created.url)
    viaProxy.hostname = '127.0.0.1'
    viaProxy.port = String(proxy.port)
    app = await buildApp({
      env: {
        DATABASE_URL: viaProxy.toString(),
        MASTER_KEY: TEST_MASTER_KEY,
        DB_TIMEOUT_MS: '1000',
        LOG_LEVEL: 'silent',
      },
      logger: false,
    })
    adminKey = app.tollgate.bootstrap.ownerKey!
    direct = new pg.Client({ connectionString: created.url })
    await direct.connect()
    const cus = (await req('POST', '/v1/admin/customers', { name: 'Before' })).json<{
      id: string
    }>()
    const plan = (
      await req('POST', '/v1/admin/plans', {
        name: 'P',
        product: 'p',
        tier: 'pro',
        entitlements: ['a'],
        policy: {
          expiryGraceDays: 1,
          offlineGraceDays: 1,
          heartbeatIntervalS: 60,
          maxDeployments: 1,
        },
      })
    ).json<{ id: string }>()
    token = (
      await req('POST', '/v1/admin/licenses', { customerId: cus.id, planId: plan.id })
    ).json<{ token: string }>().token
  })

  afterAll(async () => {
    await app?.close()
    await direct?.end()
    await proxy?.close()
    await drop?.()
  })

  it('answers 503 DATABASE_UNAVAILABLE and a degraded health while cut, recovers without a restart, loses no acknowledged write', async () => {
    const acknowledged: string[] = []
    const write = async (name: string) => {
      const res = await req('POST', '/v1/admin/customers', { name })
      if (res.statusCode === 201) acknowledged.push(res.json<{ id: string }>().id)
      else {
        expect(res.statusCode, res.body).toBe(503)
        expect(res.json()).toMatchObject({ code: 'DATABASE_UNAVAILABLE', status: 503 })
        expect(res.headers['retry-after']).toBeDefined()
      }
      return res.statusCode
    }
    for (let i = 0; i < 5; i++) expect(await write(`pre-${i}`)).toBe(201)

    // Cut while writes are in flight: each one is either acknowledged or a 503, never a 500.
    const inFlight = Array.from({ length: 20 }, (_, i) => write(`during-${i}`))
    proxy.cut()
    const statuses = await Promise.all(inFlight)
    expect(statuses.every((s) => s === 201 || s === 503)).toBe(true)

    expect(await write('while-down')).toBe(503)
    const health = await app.inject({ method: 'GET', url: '/health' })
    expect(health.statusCode).toBe(503)
    expect(health.json()).toMatchObject({ status: 'degraded', database: 'unavailable' })
    const validate = await app.inject({
      method: 'POST',
      url: '/v1/licenses/validate',
      payload: { key: token },
    })
    expect(validate.json()).toMatchObject({ code: 'DATABASE_UNAVAILABLE', status: 503 })
    const read = await req('GET', '/v1/admin/customers')
    expect(read.json()).toMatchObject({ code: 'DATABASE_UNAVAILABLE' })

    proxy.restore()
    let recovered = false
    for (let i = 0; i < 40 && !recovered; i++) {
      recovered = (await app.inject({ method: 'GET', url: '/health' })).statusCode === 200
      if (!recovered) await new Promise((r) => setTimeout(r, 250))
    }
    expect(recovered).toBe(true)
    expect(await write('after')).toBe(201)
    const v = await app.inject({
      method: 'POST',
      url: '/v1/licenses/validate',
      payload: { key: token },
    })
    expect(v.json<{ code: string }>().code).toBe('VALID')

    // Every acknowledged write is in the database (checked around the proxy).
    const { rows } = await direct.query<{ id: string }>(
      'select id from customers where id = any($1)',
      [acknowledged],
    )
    expect(rows.map((r) => r.id).sort()).toEqual([...acknowledged].sort())
    expect(acknowledged.length).toBeGreaterThanOrEqual(6)
    // And every acknowledged write has its audit entry.
    const audit = await direct.query<{ n: number }>(
      "select count(*)::int as n from audit_log where action = 'customer.create' and target_id = any($1)",
      [acknowledged],
    )
    expect(audit.rows[0]!.n).toBe(acknowledged.length)
  })
})
