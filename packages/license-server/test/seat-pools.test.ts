// Vendor side of the air-gapped relay (issue 18): a pool file signed from a relay request takes
// seats of the license's floating seats until it expires, is audited and counted, and runs a
// real relay (in process here; the relay as a process is in relay-airgap.test.ts).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  loadRelayIdentity,
  relayRequestOf,
  verifyPoolFile,
  verifyRelayLease,
  type Jwks,
  type RelayRequest,
} from '@tollgate/license-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildRelayApp } from '../src/relay/build-relay-app.js'
import { createStaff, signInStaff } from './helpers/console-support.js'
import { POLICY, seedLicense } from './helpers/fixtures.js'
import { createTestApp, type TestApp } from './helpers/test-app.js'
import { expectError, publicPost } from './fleet-support.js'

const DAY = 86_400_000
const fp = () =>
  Promise.resolve({ machineId: 'cd'.repeat(16), hostname: 'relay', container: false as const })
let t: TestApp
let jwks: Jwks
let request: RelayRequest
const dir = mkdtempSync(join(tmpdir(), 'tg-pools-'))
beforeAll(async () => {
  t = await createTestApp()
  jwks = (await t.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json<Jwks>()
  const identity = (await loadRelayIdentity(join(dir, 'relay'), true))!
  request = await relayRequestOf(identity, fp)
})
afterAll(async () => {
  await t.close()
  rmSync(dir, { recursive: true, force: true })
})

const floating = (seats: number) =>
  seedLicense(t, {
    plan: { policy: { ...POLICY, floating: { seats, leaseTtlS: 60, overage: 'deny' } } },
  })
const createPool = (licenseId: string, body: object) =>
  t.request('POST', `/v1/admin/licenses/${licenseId}/seat-pools`, body)
type PoolAnswer = {
  poolFile: string
  pool: { id: string; seats: number; expiresAt: string; relayKid: string }
  seats: { floating: number; pooled: number; online: number }
}

describe('seat pools (vendor side)', () => {
  it('takes seats from online checkouts until the pool expires; audited and counted', async () => {
    const { license, token } = await floating(3)
    const res = await createPool(license.id, {
      seats: 2,
      request: JSON.stringify(request),
      validDays: 30,
    })
    expect(res.statusCode, res.body).toBe(201)
    const answer = res.json<PoolAnswer>()
    expect(answer.seats).toEqual({ floating: 3, pooled: 2, online: 1 })
    const claims = verifyPoolFile(answer.poolFile, jwks)
    expect(claims).toMatchObject({
      jti: answer.pool.id,
      lid: license.id,
      seats: 2,
      policy: { leaseTtlS: 60, overage: 'deny' },
      rk: request.relayKey,
      fpr: request.machineId,
    })
    expect(claims.exp - claims.iat).toBe(30 * 86_400)
    // One seat is left online.
    expect(
      (await publicPost(t.app, '/v1/seats/checkout', { key: token, scope: 'a' })).statusCode,
    ).toBe(200)
    expectError(
      await publicPost(t.app, '/v1/seats/checkout', { key: token, scope: 'b' }),
      409,
      'SEATS_EXHAUSTED',
    )
    // The pools never hold more than the floating seats.
    expectError(await createPool(license.id, { seats: 2, request }), 409, 'POOL_SEATS_UNAVAILABLE')
    expect((await createPool(license.id, { seats: 1, request, validDays: 1 })).statusCode).toBe(201)
    const list = await t.request('GET', `/v1/admin/licenses/${license.id}/seat-pools`)
    expect(list.json<{ data: unknown[] }>().data).toHaveLength(2)
    const audit = await t.request('GET', '/v1/admin/audit?action=seat_pool.create')
    expect(audit.body).toContain(answer.pool.id)
    const metrics = await t.app.inject({ method: 'GET', url: '/metrics' })
    expect(metrics.body).toMatch(/tollgate_seat_pools_total\{outcome="created"\} 2/)
    expect(metrics.body).toMatch(/tollgate_seat_pools_total\{outcome="POOL_SEATS_UNAVAILABLE"\} 1/)
    // Expired pools give their seats back with no call.
    t.clock.advance(31 * DAY)
    for (const scope of ['x', 'y', 'z']) {
      expect(
        (await publicPost(t.app, '/v1/seats/checkout', { key: token, scope })).statusCode,
      ).toBe(200)
    }
  })

  it('refuses bad requests with typed errors', async () => {
    const { license } = await floating(2)
    expectError(
      await createPool(license.id, { seats: 1, request: 'nope' }),
      400,
      'RELAY_REQUEST_INVALID',
    )
    expectError(
      await createPool(license.id, { seats: 1, request: { ...request, relayKey: { kty: 'RSA' } } }),
      400,
      'RELAY_REQUEST_INVALID',
    )
    expectError(await createPool(license.id, { seats: 0, request }), 400, 'VALIDATION_FAILED')
    expectError(
      await createPool(license.id, { seats: 1, request, extra: 1 }),
      400,
      'VALIDATION_FAILED',
    )
    const plain = await seedLicense(t)
    expectError(
      await createPool(plain.license.id, { seats: 1, request }),
      409,
      'FLOATING_NOT_ENABLED',
    )
    const other = await t.addTenant()
    expectError(
      await t.request(
        'POST',
        `/v1/admin/licenses/${license.id}/seat-pools`,
        { seats: 1, request },
        other.adminKey,
      ),
      404,
      'NOT_FOUND',
    )
  })

  it("the vendor's pool file runs a relay whose leases verify through the chain", async () => {
    const { license, token } = await floating(2)
    const { poolFile } = (await createPool(license.id, { seats: 2, request })).json<PoolAnswer>()
    writeFileSync(join(dir, 'pool.lic'), poolFile)
    writeFileSync(join(dir, 'vendor.jwks'), JSON.stringify(jwks))
    const relay = await buildRelayApp({
      config: {
        poolFile: join(dir, 'pool.lic'),
        dataDir: join(dir, 'relay'),
        vendorKeysFile: join(dir, 'vendor.jwks'),
        port: 0,
        host: '127.0.0.1',
        warnDays: 7,
        poolCheckMs: 0,
        logLevel: 'silent',
      },
      now: t.clock.now,
      logger: false,
      fingerprint: fp,
    })
    try {
      const res = await publicPost(relay, '/v1/seats/checkout', { key: token, scope: 'lan-1' })
      expect(res.statusCode, res.body).toBe(200)
      const seat = res.json<{ lease: string; pool: string; seats: object }>()
      expect(seat.seats).toEqual({ used: 1, seats: 2, limit: 2 })
      const chain = verifyRelayLease({
        lease: seat.lease,
        poolFile: seat.pool,
        vendorKeys: jwks,
        licenseId: license.id,
        nowMs: t.clock.now().getTime(),
      })
      expect(chain.lease.scope).toBe('lan-1')
      // Only the seat routes, typed refusals, and the pool file at its well-known path.
      const stranger = await floating(1)
      expectError(
        await publicPost(relay, '/v1/seats/checkout', { key: stranger.token, scope: 'a' }),
        401,
        'INVALID_LICENSE_KEY',
      )
      expectError(
        await publicPost(relay, '/v1/seats/checkout', { key: 'TG1-garbage-00000000', scope: 'a' }),
        401,
        'INVALID_LICENSE_KEY',
      )
      expectError(
        await publicPost(relay, '/v1/seats/checkout', { key: token, scope: 'x\u0000y' }),
        400,
        'VALIDATION_FAILED',
      )
      expectError(
        await publicPost(relay, '/v1/seats/renew', { key: token, leaseId: 'seat_unknown' }),
        404,
        'SEAT_LEASE_NOT_FOUND',
      )
      expectError(
        await relay.inject({ method: 'GET', url: '/v1/admin/licenses' }),
        404,
        'ROUTE_NOT_FOUND',
      )
      const served = await relay.inject({ method: 'GET', url: '/.well-known/tollgate-pool' })
      expect(served.body).toBe(poolFile)
    } finally {
      await relay.close()
    }
  })

  it('the admin seat list and the console show the seats held by unexpired pools', async () => {
    const { license, token } = await floating(4)
    const created = await createPool(license.id, { seats: 3, request, validDays: 2 })
    const pool = created.json<PoolAnswer>().pool
    expect(
      (await publicPost(t.app, '/v1/seats/checkout', { key: token, scope: 'a' })).statusCode,
    ).toBe(200)
    const list = await t.request('GET', `/v1/admin/licenses/${license.id}/seats`)
    expect(list.statusCode, list.body).toBe(200)
    expect(list.json()).toMatchObject({
      seats: { used: 1, seats: 4, pooled: 3, online: 1, limit: 1 },
      pools: [{ id: pool.id, seats: 3, hostname: 'relay', expiresAt: pool.expiresAt }],
    })
    const staff = await createStaff(t, 'read-only')
    const page = await (await signInStaff(t, staff)).get(`/console/licenses/${license.id}`)
    expect(page.statusCode).toBe(200)
    expect(page.body).toMatch(
      /id="floating-seats"[^>]*>1 of 4 floating seats in use; 3 held by relay pools/,
    )
    expect(page.body).toContain(pool.id)
    // Expired pools hold nothing and leave the list.
    t.clock.advance(3 * DAY)
    const later = await t.request('GET', `/v1/admin/licenses/${license.id}/seats`)
    expect(later.json()).toMatchObject({ seats: { pooled: 0, online: 4, limit: 4 }, pools: [] })
  })
})
