// The example app against a real license server (in-process, on a port, in-memory PGlite) and
// a real license client: gates, seat limit, status page, upgrade by a new key, offline grace
// shown through the demo clock, revocation.
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLicenseClient, type LicenseClient } from '@tollgate/license-client'
import { buildApp } from '@tollgate/license-server'
// The server tests' helper: the run's migrated PGlite dump, instead of migrating per server.
import { migratedPglite } from '../../../packages/license-server/test/helpers/pglite-template.js'
import { buildExampleApp } from '../src/app.js'
import { DemoClock } from '../src/demo-clock.js'
import type { LicenseStatus } from '../src/license-status.js'

const ADMIN_KEY = 'tg_admin_' + 'ExampleAppTest0123456789'.repeat(2)
const policy = {
  expiryGraceDays: 14,
  offlineGraceDays: 30,
  heartbeatIntervalS: 10,
  maxDeployments: 1,
}

let server: FastifyInstance
let db: Awaited<ReturnType<typeof migratedPglite>> | undefined
let baseUrl: string
let dir: string
let license: LicenseClient
let app: FastifyInstance
const clock = new DemoClock()
let licenseId: string

async function admin<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${ADMIN_KEY}`,
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  })
  const json = (await res.json()) as T
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`)
  return json
}

async function status(): Promise<LicenseStatus> {
  return (await app.inject({ method: 'GET', url: '/status' })).json<LicenseStatus>()
}

beforeAll(async () => {
  db = await migratedPglite()
  server = await buildApp({
    db,
    env: {},
    config: { dataDir: 'memory://', bootstrapAdminKey: ADMIN_KEY, logLevel: 'silent' },
    logger: false,
  })
  await server.listen({ port: 0, host: '127.0.0.1' })
  baseUrl = `http://127.0.0.1:${(server.server.address() as { port: number }).port}`
  dir = await mkdtemp(join(tmpdir(), 'tg-example-app-'))
  const plan = await admin<{ id: string }>('POST', '/v1/admin/plans', {
    name: 'Free',
    product: 'example-app',
    tier: 'free',
    entitlements: [],
    limits: { users: 3 },
    policy,
  })
  const customer = await admin<{ id: string }>('POST', '/v1/admin/customers', { name: 'Acme' })
  const issued = await admin<{ license: { id: string }; token: string }>(
    'POST',
    '/v1/admin/licenses',
    {
      customerId: customer.id,
      planId: plan.id,
    },
  )
  licenseId = issued.license.id
  await writeFile(join(dir, 'license.key'), issued.token)
  license = await createLicenseClient({
    tokenFile: join(dir, 'license.key'),
    jwksUrl: `${baseUrl}/.well-known/jwks.json`,
    serverUrl: baseUrl,
    storageDir: join(dir, 'storage'),
    freeLimits: { users: 1 },
    now: clock.now,
    autoHeartbeat: false,
    logger: { warn: () => undefined, error: () => undefined },
  })
  await license.refresh()
  app = buildExampleApp({ license, demoClock: clock })
})

afterAll(async () => {
  await app?.close()
  await license?.close()
  await server?.close()
  await db?.destroy() // buildApp does not close a database it was given
  if (dir) await rm(dir, { recursive: true, force: true })
})

describe('example app on a free license', () => {
  it('serves the free route, refuses the paid one with 402, and reports the state', async () => {
    expect((await app.inject({ method: 'GET', url: '/' })).statusCode).toBe(200)
    const paid = await app.inject({ method: 'GET', url: '/reports' })
    expect(paid.statusCode).toBe(402)
    expect(paid.json()).toMatchObject({
      code: 'FEATURE_NOT_ENTITLED',
      feature: 'reports',
      licenseState: 'valid',
    })
    expect(await status()).toMatchObject({
      state: { code: 'valid', licenseId },
      tier: 'free',
      graceDaysLeft: null,
      seats: { used: 1, limit: 3 },
    })
  })

  it('lets seats up to the limit be added and refuses the next one', async () => {
    for (const name of ['ada', 'grace']) {
      expect(
        (await app.inject({ method: 'POST', url: '/users', payload: { name } })).statusCode,
      ).toBe(201)
    }
    const over = await app.inject({ method: 'POST', url: '/users', payload: { name: 'linus' } })
    expect(over.statusCode).toBe(402)
    expect(over.json()).toMatchObject({ code: 'LIMIT_EXCEEDED', limit: 3, used: 3 })
    expect((await app.inject({ method: 'POST', url: '/users', payload: {} })).statusCode).toBe(400)
  })

  it('shows an HTML status page to browsers', async () => {
    const res = await app.inject({
      method: 'GET',
      url: '/status',
      headers: { accept: 'text/html' },
    })
    expect(res.headers['content-type']).toMatch(/text\/html/)
    expect(res.body).toContain('License <span class="state">valid</span>')
  })
})

describe('upgrade, offline grace, revocation', () => {
  it('unlocks the paid route once a key for a plan with the feature replaces the file', async () => {
    const pro = await admin<{ id: string }>('POST', '/v1/admin/plans', {
      name: 'Pro',
      product: 'example-app',
      tier: 'pro',
      entitlements: ['reports'],
      limits: { users: 10 },
      policy,
    })
    const customer = await admin<{ id: string }>('POST', '/v1/admin/customers', {
      name: 'Acme Pro',
    })
    const issued = await admin<{ license: { id: string }; token: string }>(
      'POST',
      '/v1/admin/licenses',
      {
        customerId: customer.id,
        planId: pro.id,
      },
    )
    licenseId = issued.license.id
    await writeFile(join(dir, 'license.key'), issued.token)
    await license.refresh()
    expect((await app.inject({ method: 'GET', url: '/reports' })).statusCode).toBe(200)
    expect(
      (await app.inject({ method: 'POST', url: '/users', payload: { name: 'linus' } })).statusCode,
    ).toBe(201)
    expect(await status()).toMatchObject({
      state: { code: 'valid', licenseId },
      tier: 'pro',
      seats: { limit: 10 },
    })
  })

  // Lease freshness is judged from when the lease was received (issue 13): a clock running
  // 15 minutes ahead is not "offline" right after a successful check-in. (Offline with the
  // server stopped is the e2e licensing-loop test's job.)
  it('stays valid with the clock 15 minutes ahead while the server answers', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/demo/clock',
      payload: { offsetMinutes: 15 },
    })
    expect(res.statusCode).toBe(200)
    expect(res.json<LicenseStatus>()).toMatchObject({
      state: { code: 'valid' },
      clockOffsetMinutes: 15,
    })
    expect((await app.inject({ method: 'GET', url: '/reports' })).statusCode).toBe(200)
    const back = await app.inject({
      method: 'POST',
      url: '/demo/clock',
      payload: { offsetMinutes: 0 },
    })
    expect(back.json<LicenseStatus>().state.code).toBe('valid')
    expect(
      (await app.inject({ method: 'POST', url: '/demo/clock', payload: { offsetMinutes: -5 } }))
        .statusCode,
    ).toBe(400)
  })

  it('locks the paid route and the seats once the server says revoked; the free route stays up', async () => {
    await admin('POST', `/v1/admin/licenses/${licenseId}/revoke`, { reason: 'example test' })
    await license.refresh()
    const paid = await app.inject({ method: 'GET', url: '/reports' })
    expect(paid.statusCode).toBe(403)
    expect(paid.json()).toMatchObject({ code: 'LICENSE_NOT_VALID', licenseState: 'revoked' })
    const seat = await app.inject({ method: 'POST', url: '/users', payload: { name: 'ken' } })
    expect(seat.statusCode).toBe(403)
    // Not a seat problem: the license is not valid, and the answer says so.
    expect(seat.json()).toMatchObject({ code: 'LICENSE_NOT_VALID', licenseState: 'revoked' })
    expect((await app.inject({ method: 'GET', url: '/' })).statusCode).toBe(200)
  })
})
