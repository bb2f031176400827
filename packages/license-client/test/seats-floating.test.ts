// Floating seats from the SDK against the real server on a real port: checkout, renewal,
// exhaustion, release; a client process killed -9 while holding a seat (the seat is back after
// the lease TTL with no call); the server gone while seats are held (kept until the lease runs
// out, then offlineGraceS, then lost).
import { spawn, type ChildProcess } from 'node:child_process'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { buildApp } from '@tollgate/license-server'
// The server tests' helper: the run's migrated PGlite dump, instead of migrating per server.
import { migratedPglite } from '../../license-server/test/helpers/pglite-template.js'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, expect, it } from 'vitest'
import {
  createLicenseClient,
  SeatsExhaustedError,
  SeatRefusedError,
  verifySeatLease,
  KeySet,
  type Jwks,
  type LicenseClient,
  type SeatHandle,
  type SeatState,
} from '@tollgate/license-client'
import { tempDir } from './client-fixtures.js'

const pkg = fileURLToPath(new URL('..', import.meta.url))
const child = fileURLToPath(new URL('./fixtures/seat-child.ts', import.meta.url))
let app: FastifyInstance
let url: string
let jwks: Jwks
let serverNow = Date.now()
const dirs: (() => void)[] = []
const clients: LicenseClient[] = []
const alive = new Set<ChildProcess>()
/** kill -9 to a child's whole process group (children here lead one: spawned detached). */
function killGroup(c: ChildProcess): void {
  try {
    process.kill(-c.pid!, 'SIGKILL')
  } catch {
    // already gone
  }
}

async function admin<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await app.inject({
    method: method as 'GET',
    url: path,
    headers: { authorization: `Bearer ${app.tollgate.bootstrap.ownerKey!}` },
    ...(body === undefined ? {} : { payload: body as object }),
  })
  expect(res.statusCode, res.body).toBeLessThan(300)
  return res.json<T>()
}

async function floatingLicense(
  seats: number,
  leaseTtlS = 5,
): Promise<{ id: string; token: string }> {
  const customer = await admin<{ id: string }>('POST', '/v1/admin/customers', { name: 'Seats' })
  const plan = await admin<{ id: string }>('POST', '/v1/admin/plans', {
    name: 'Floating',
    product: 'acme-app',
    tier: 'pro',
    entitlements: [],
    limits: {},
    policy: {
      expiryGraceDays: 7,
      offlineGraceDays: 30,
      heartbeatIntervalS: 3600,
      maxDeployments: 0,
      floating: { seats, leaseTtlS, overage: 'deny' },
    },
    durationDays: 365,
  })
  const r = await admin<{ license: { id: string }; token: string }>('POST', '/v1/admin/licenses', {
    customerId: customer.id,
    planId: plan.id,
  })
  return { id: r.license.id, token: r.token }
}

async function client(token: string): Promise<LicenseClient> {
  const { dir, cleanup } = tempDir()
  dirs.push(cleanup)
  const c = await createLicenseClient({
    token,
    publicKeys: jwks,
    serverUrl: url,
    storageDir: dir,
    autoHeartbeat: false,
    logger: { warn: () => undefined, error: () => undefined },
  })
  clients.push(c)
  return c
}

const heldCount = async (licenseId: string) =>
  (await admin<{ seats: { used: number } }>('GET', `/v1/admin/licenses/${licenseId}/seats`)).seats
    .used

function reaches(seat: SeatHandle, state: SeatState): Promise<void> {
  if (seat.state === state) return Promise.resolve()
  return new Promise((resolve) => {
    const on = (s: SeatState) => {
      if (s !== state) return
      seat.off('change', on)
      resolve()
    }
    seat.on('change', on)
  })
}

let db: Awaited<ReturnType<typeof migratedPglite>> | undefined

beforeAll(async () => {
  db = await migratedPglite()
  app = await buildApp({
    db,
    env: {},
    config: {
      masterKey: '00'.repeat(16) + 'ab'.repeat(16),
      dataDir: 'memory://',
      logLevel: 'silent',
      rateLimit: { windowMs: 60_000, publicMax: 1e6, adminMax: 1e6, tiers: { default: 1e6 } },
    },
    // The server's clock moves only when told (lease expiry without waiting); the clients
    // measure their leases on their own monotonic clocks.
    now: () => new Date(serverNow),
    logger: false,
  })
  await app.listen({ port: 0, host: '127.0.0.1' })
  url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
  jwks = await admin<Jwks>('GET', '/.well-known/jwks.json')
})
afterAll(async () => {
  for (const c of alive) killGroup(c)
  await Promise.all(clients.map((c) => c.close()))
  await app?.close()
  await db?.destroy() // buildApp does not close a database it was given
  for (const d of dirs) d()
})

it('checks out verified seats, renews them, refuses past the seats, releases', async () => {
  const license = await floatingLicense(2)
  const c = await client(license.token)
  const a = await c.checkoutSeat({ scope: 'a' })
  const b = await c.checkoutSeat({ scope: 'b' })
  expect([a.valid, b.valid, a.state]).toEqual([true, true, 'held'])
  expect(verifySeatLease(a.lease, KeySet.from(jwks))).toMatchObject({ lid: license.id, scope: 'a' })
  await expect(c.checkoutSeat({ scope: 'c' })).rejects.toBeInstanceOf(SeatsExhaustedError)
  // Renewed on its own (a third of the 5 s TTL) with a new signed lease.
  const first = a.lease
  serverNow += 1_000
  await new Promise((resolve) => a.once('renewed', resolve))
  expect(a.lease).not.toBe(first)
  await a.release()
  expect([a.valid, a.state]).toEqual([false, 'released'])
  const cSeat = await c.checkoutSeat({ scope: 'c' })
  expect(cSeat.valid).toBe(true)
  expect(await heldCount(license.id)).toBe(2)
  // close() checks held seats in.
  await c.close()
  expect(await heldCount(license.id)).toBe(0)
})

it('refuses with a typed error carrying the server code (suspended license)', async () => {
  const license = await floatingLicense(1)
  await admin('POST', `/v1/admin/licenses/${license.id}/suspend`, { reason: 'test' })
  const c = await client(license.token)
  const err = await c.checkoutSeat({ scope: 'a' }).catch((e: unknown) => e)
  expect(err).toBeInstanceOf(SeatRefusedError)
  expect((err as SeatRefusedError).serverCode).toBe('SEAT_LICENSE_INACTIVE')
})

it('a client killed -9 while holding a seat gets it back to the pool after the lease TTL', async () => {
  const license = await floatingLicense(1)
  const { dir, cleanup } = tempDir()
  dirs.push(cleanup)
  const proc = spawn(
    process.execPath,
    ['--import', 'tsx', '--conditions=tollgate-source', child, url, dir, 'crashy'],
    {
      cwd: pkg,
      env: { ...process.env, FIELD_TOKEN: license.token, FIELD_JWKS: JSON.stringify(jwks) },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group: kill -9 (here and in afterAll, pass or fail) takes its whole tree.
      detached: true,
    },
  )
  alive.add(proc)
  let stderr = ''
  proc.stderr.on('data', (d: Buffer) => void (stderr = (stderr + d.toString()).slice(-2000)))
  await new Promise<void>((resolve, reject) => {
    let out = ''
    proc.stdout.on('data', (d: Buffer) => {
      out += d.toString()
      if (out.includes('ready ')) resolve()
    })
    proc.on('exit', () => reject(new Error(`child exited early: ${stderr}`)))
  })
  const exited = new Promise((resolve) => proc.on('exit', resolve))
  killGroup(proc)
  await exited
  alive.delete(proc)
  const c = await client(license.token)
  expect(await heldCount(license.id)).toBe(1)
  await expect(c.checkoutSeat({ scope: 'next' })).rejects.toBeInstanceOf(SeatsExhaustedError)
  serverNow += 5_001
  expect(await heldCount(license.id)).toBe(0)
  expect((await c.checkoutSeat({ scope: 'next' })).valid).toBe(true)
})

it('keeps a seat while the server is gone until the lease runs out, then offlineGraceS, then lost', async () => {
  const license = await floatingLicense(2)
  const c = await client(license.token)
  const strict = await c.checkoutSeat({ scope: 'strict' })
  const lenient = await c.checkoutSeat({ scope: 'lenient', offlineGraceS: 1 })
  const states: SeatState[] = []
  lenient.on('change', (s: SeatState) => states.push(s))
  await app.close()
  await reaches(strict, 'lost')
  expect(strict.valid).toBe(false)
  await reaches(lenient, 'lost')
  expect(states).toEqual(['offline', 'lost'])
  expect(lenient.valid).toBe(false)
})
