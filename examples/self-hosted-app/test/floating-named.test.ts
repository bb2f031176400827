// Floating seats and named users in the example app, against a real license server (in-process,
// on a port, in-memory PGlite). Seats: real app processes (`src/main.ts`, TOLLGATE_FLOATING_SEAT=1)
// against a 1-seat floating plan — the second is refused with a clear message and exit code 75,
// the first exits (checking its seat in) and the second then gets the seat. Named users: the
// app's `POST /users` / `DELETE /users/:name` assign and release on the server (maxUsers).
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLicenseClient, type LicenseClient } from '@tollgate/license-client'
import { buildApp } from '@tollgate/license-server'
import { NODE_TS, freePort, start, type Child } from '../../../scripts/lib/processes.js'
import { buildExampleApp } from '../src/app.js'
import { NO_SEAT_EXIT_CODE } from '../src/floating-seat.js'

const ADMIN_KEY = 'tg_admin_' + 'ExampleSeatsTest0123456789'.repeat(2)
const policy = {
  expiryGraceDays: 14,
  offlineGraceDays: 30,
  heartbeatIntervalS: 10,
  maxDeployments: 5,
}

let server: FastifyInstance
let baseUrl: string
let dir: string
const children: Child[] = []

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

/** A plan, a customer and a license; the key written to `<dir>/<name>.key`. */
async function license(name: string, extra: object): Promise<{ id: string; keyFile: string }> {
  const plan = await admin<{ id: string }>('POST', '/v1/admin/plans', {
    name,
    product: 'example-app',
    tier: 'pro',
    entitlements: ['reports'],
    ...extra,
  })
  const customer = await admin<{ id: string }>('POST', '/v1/admin/customers', { name })
  const issued = await admin<{ license: { id: string }; token: string }>(
    'POST',
    '/v1/admin/licenses',
    { customerId: customer.id, planId: plan.id },
  )
  const keyFile = join(dir, `${name}.key`)
  await writeFile(keyFile, issued.token)
  return { id: issued.license.id, keyFile }
}

async function startApp(name: string, keyFile: string): Promise<Child> {
  const port = await freePort()
  const child = start(name, [...NODE_TS, 'examples/self-hosted-app/src/main.ts'], {
    PORT: String(port),
    TOLLGATE_URL: baseUrl,
    TOLLGATE_LICENSE_FILE: keyFile,
    TOLLGATE_STORAGE_DIR: join(dir, `storage-${name}`),
    TOLLGATE_FLOATING_SEAT: '1',
  })
  children.push(child)
  return child
}

beforeAll(async () => {
  server = await buildApp({
    env: {},
    config: { dataDir: 'memory://', bootstrapAdminKey: ADMIN_KEY, logLevel: 'silent' },
    logger: false,
  })
  await server.listen({ port: 0, host: '127.0.0.1' })
  baseUrl = `http://127.0.0.1:${(server.server.address() as { port: number }).port}`
  dir = await mkdtemp(join(tmpdir(), 'tg-example-seats-'))
})

afterAll(async () => {
  await Promise.all(children.map((c) => c.stop()))
  await server?.close()
  if (dir) await rm(dir, { recursive: true, force: true })
})

describe('floating seats: one seat per app process', () => {
  it('refuses a second process while the seat is held, and gives it the seat once the first exits', async () => {
    const { id, keyFile } = await license('Floating', {
      limits: { users: 10 },
      policy: { ...policy, floating: { seats: 1, leaseTtlS: 60, overage: 'deny' } },
    })
    const first = await startApp('app-1', keyFile)
    await first.waitForLine(/example app listening on/)
    expect(first.lines.join('\n')).toMatch(/floating seat: held \(app:/)

    const second = await startApp('app-2', keyFile)
    await second.exited
    expect(second.exitCode).toBe(NO_SEAT_EXIT_CODE)
    expect(second.lines.join('\n')).toMatch(/No floating seat is free/)

    const held = await admin<{ data: { scope: string }[]; seats: { used: number } }>(
      'GET',
      `/v1/admin/licenses/${id}/seats`,
    )
    expect(held.seats.used).toBe(1)

    // A clean exit checks the seat in: no waiting for the 60 s lease to run out.
    await first.stop()
    expect(first.exitCode).toBe(0)
    const free = await admin<{ seats: { used: number } }>('GET', `/v1/admin/licenses/${id}/seats`)
    expect(free.seats.used).toBe(0)

    const again = await startApp('app-2b', keyFile)
    await again.waitForLine(/example app listening on/)
    expect(again.lines.join('\n')).toMatch(/floating seat: held/)
    await again.stop()
  })
})

describe('named users on the app user routes', () => {
  let client: LicenseClient
  let app: FastifyInstance
  let licenseId: string

  beforeAll(async () => {
    const issued = await license('Named', { limits: { users: 10, maxUsers: 2 }, policy })
    licenseId = issued.id
    client = await createLicenseClient({
      tokenFile: issued.keyFile,
      jwksUrl: `${baseUrl}/.well-known/jwks.json`,
      serverUrl: baseUrl,
      storageDir: join(dir, 'storage-named'),
      autoHeartbeat: false,
      logger: { warn: () => undefined, error: () => undefined },
    })
    await client.refresh()
    app = buildExampleApp({ license: client, namedUsers: true })
  })

  afterAll(async () => {
    await app?.close()
    await client?.close()
  })

  const post = (name: string) => app.inject({ method: 'POST', url: '/users', payload: { name } })

  it('assigns users up to maxUsers, refuses the next, and frees a seat on delete', async () => {
    expect((await post('ada')).json()).toMatchObject({ namedUsers: { used: 1, max: 2 } })
    expect((await post('grace')).statusCode).toBe(201)
    const full = await post('linus')
    expect(full.statusCode).toBe(402)
    expect(full.json()).toMatchObject({ code: 'USER_LIMIT_REACHED' })
    // The server holds hashes only: the names never leave the app.
    const listed = await admin<{ items: { userHash: string }[]; used: number }>(
      'GET',
      `/v1/admin/licenses/${licenseId}/users`,
    )
    expect(listed.items).toHaveLength(2)
    expect(listed.used).toBe(2)
    expect(JSON.stringify(listed)).not.toContain('ada')

    const removed = await app.inject({ method: 'DELETE', url: '/users/ada' })
    expect(removed.json()).toMatchObject({ namedUsers: { used: 1, max: 2 } })
    expect((await post('linus')).statusCode).toBe(201)
    expect((await app.inject({ method: 'DELETE', url: '/users/nobody' })).statusCode).toBe(404)
  })
})
