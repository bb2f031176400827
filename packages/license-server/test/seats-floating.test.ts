import { verifyLease, verifySeatLease, type KeySet } from '@tollgate/license-client'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { POLICY, seedLicense } from './helpers/fixtures.js'
import { createTestApp, type TestApp } from './helpers/test-app.js'
import { buildFleetApp, expectError, fetchKeys, publicPost } from './fleet-support.js'

let t: TestApp
let second: FastifyInstance
let keys: KeySet
beforeAll(async () => {
  t = await createTestApp()
  // A second instance with its own pool on Postgres (a second server process), or the same
  // PGlite handle: checkouts of both must count against one seat limit.
  second = await buildFleetApp(
    t.testDb.url ? { databaseUrl: t.testDb.url, clock: t.clock } : { db: t.db, clock: t.clock },
  )
  keys = await fetchKeys(t.app)
})
afterAll(async () => {
  await second.close()
  await t.close()
})

type Seat = {
  leaseId: string
  lease: string
  overage: boolean
  expiresAt: string
  warning: string | null
  seats: { used: number; seats: number; limit: number }
}

const checkout = (key: string, scope: string, app = t.app, extra: object = {}) =>
  publicPost(app, '/v1/seats/checkout', { key, scope, ...extra })
const renew = (key: string, leaseId: string) =>
  publicPost(t.app, '/v1/seats/renew', { key, leaseId })
const checkin = (key: string, leaseId: string) =>
  publicPost(t.app, '/v1/seats/checkin', { key, leaseId })

function ok(res: LightMyRequestResponse): Seat {
  expect(res.statusCode, res.body).toBe(200)
  return res.json<Seat>()
}

async function floatingLicense(seats: number, overage = 'deny', leaseTtlS = 60) {
  return seedLicense(t, {
    plan: { policy: { ...POLICY, floating: { seats, leaseTtlS, overage } } },
  })
}

describe('floating seats', () => {
  it('validates the plan policy', async () => {
    for (const floating of [
      { seats: 0, leaseTtlS: 60, overage: 'deny' },
      { seats: 5, leaseTtlS: 1, overage: 'deny' },
      { seats: 5, leaseTtlS: 60, overage: 'allow_3x' },
      { seats: 5, leaseTtlS: 60 },
      null,
    ]) {
      const res = await t.request('POST', '/v1/admin/plans', {
        name: 'F',
        product: 'p',
        tier: 't',
        entitlements: [],
        limits: {},
        policy: { ...POLICY, floating },
      })
      expectError(res, 400, 'VALIDATION_FAILED')
    }
  })

  it('carries the policy in the signed token and answers a signed seat lease of its own typ', async () => {
    const { token, license } = await floatingLicense(2)
    expect(license.policy).toMatchObject({ floating: { seats: 2, leaseTtlS: 60, overage: 'deny' } })
    const seat = ok(await checkout(token, 'worker-1'))
    const claims = verifySeatLease(seat.lease, keys)
    expect(claims).toMatchObject({ lid: license.id, sid: seat.leaseId, scope: 'worker-1' })
    expect(claims.iss).toBe(t.tenantId)
    expect(claims.exp - claims.iat).toBe(60)
    expect(seat.seats).toEqual({ used: 1, seats: 2, limit: 2 })
    expect(() => verifyLease(seat.lease, keys)).toThrow(/typ/i)
  })

  it('refuses past the seats, frees a seat on check-in and on expiry without any call', async () => {
    const { token } = await floatingLicense(2)
    const a = ok(await checkout(token, 'a'))
    ok(await checkout(token, 'b', second))
    // A retried checkout of a held scope takes no second seat.
    expect(ok(await checkout(token, 'a')).leaseId).toBe(a.leaseId)
    expectError(await checkout(token, 'c'), 409, 'SEATS_EXHAUSTED')
    expect((await checkin(token, a.leaseId)).json()).toEqual({ released: true })
    expect((await checkin(token, a.leaseId)).json()).toEqual({ released: false })
    const c = ok(await checkout(token, 'c'))
    expectError(await checkout(token, 'd'), 409, 'SEATS_EXHAUSTED')
    // Renewing c keeps it past the TTL; b (never renewed) expires and frees its seat.
    t.clock.advance(40_000)
    ok(await renew(token, c.leaseId))
    t.clock.advance(30_000)
    const d = ok(await checkout(token, 'd'))
    expect(d.seats.used).toBe(2)
    expectError(await checkout(token, 'e'), 409, 'SEATS_EXHAUSTED')
    t.clock.advance(61_000)
    expectError(await renew(token, c.leaseId), 409, 'SEAT_LEASE_EXPIRED')
    ok(await checkout(token, 'e'))
    expectError(await renew(token, c.leaseId), 404, 'SEAT_LEASE_NOT_FOUND')
  })

  it('grants allowed overage with a warning and records a violation', async () => {
    const { token, license } = await floatingLicense(2, 'allow_1_5x')
    ok(await checkout(token, 'a'))
    ok(await checkout(token, 'b'))
    const third = ok(await checkout(token, 'c'))
    expect(third).toMatchObject({ overage: true, warning: 'SEATS_OVERAGE' })
    expect(third.seats).toEqual({ used: 3, seats: 2, limit: 3 })
    expect(verifySeatLease(third.lease, keys).overage).toBe(true)
    expectError(await checkout(token, 'd'), 409, 'SEATS_EXHAUSTED')
    const res = await t.request('GET', `/v1/admin/violations?licenseId=${license.id}`)
    expect(res.statusCode, res.body).toBe(200)
    expect(JSON.stringify(res.json())).toContain('floating_overage')
  })

  it('lists and releases held seats for an admin (audited)', async () => {
    const { token, license } = await floatingLicense(3)
    const a = ok(await checkout(token, 'user:alice', t.app, { deploymentId: 'inst-1' }))
    ok(await checkout(token, 'user:bob'))
    const list = await t.request('GET', `/v1/admin/licenses/${license.id}/seats`)
    expect(list.statusCode, list.body).toBe(200)
    expect(list.json()).toMatchObject({ seats: { used: 2, seats: 3, limit: 3 } })
    expect(list.json<{ data: { scope: string }[] }>().data.map((s) => s.scope)).toEqual([
      'user:alice',
      'user:bob',
    ])
    const del = await t.request('DELETE', `/v1/admin/licenses/${license.id}/seats/${a.leaseId}`)
    expect(del.statusCode, del.body).toBe(200)
    expectError(await renew(token, a.leaseId), 404, 'SEAT_LEASE_NOT_FOUND')
    expectError(
      await t.request('DELETE', `/v1/admin/licenses/${license.id}/seats/${a.leaseId}`),
      404,
      'SEAT_LEASE_NOT_FOUND',
    )
    const audit = await t.request('GET', `/v1/admin/audit?action=seat.release`)
    expect(audit.body).toContain(a.leaseId)
    // Another tenant sees nothing of it.
    const other = await t.addTenant()
    expectError(
      await t.request('GET', `/v1/admin/licenses/${license.id}/seats`, undefined, other.adminKey),
      404,
      'NOT_FOUND',
    )
  })

  it('answers typed errors: no floating policy, inactive license, bad input', async () => {
    const plain = await seedLicense(t)
    expectError(await checkout(plain.token, 'a'), 409, 'FLOATING_NOT_ENABLED')
    const { token, license } = await floatingLicense(2)
    const held = ok(await checkout(token, 'a'))
    const sus = await t.request('POST', `/v1/admin/licenses/${license.id}/suspend`, {
      reason: 'test',
    })
    expect(sus.statusCode, sus.body).toBe(200)
    expectError(await checkout(token, 'b'), 403, 'SEAT_LICENSE_INACTIVE')
    expectError(await renew(token, held.leaseId), 403, 'SEAT_LICENSE_INACTIVE')
    expectError(await checkout(token, 'x\u0000y'), 400, 'VALIDATION_FAILED')
    expectError(await checkout(token, 'x'.repeat(201)), 400, 'VALIDATION_FAILED')
    expectError(await renew(token, 'dep_123'), 400, 'VALIDATION_FAILED')
    expectError(await checkout('TG1-garbage-00000000', 'a'), 401, 'INVALID_LICENSE_KEY')
    const metrics = await t.app.inject({ method: 'GET', url: '/metrics' })
    expect(metrics.body).toMatch(
      /tollgate_seat_operations_total\{op="checkout",outcome="SEATS_EXHAUSTED"\}/,
    )
  })

  it.each([
    ['deny', 10],
    ['allow_1_25x', 12],
  ])(
    '200 concurrent checkouts on two instances never exceed 10 seats (%s)',
    async (overage, max) => {
      const { token, license } = await floatingLicense(10, overage)
      const results = await Promise.all(
        Array.from({ length: 200 }, (_, i) => checkout(token, `s${i}`, i % 2 ? second : t.app)),
      )
      const granted = results.filter((r) => r.statusCode === 200)
      expect(granted).toHaveLength(max)
      for (const r of results) {
        if (r.statusCode !== 200)
          expect(r.json(), r.body).toMatchObject({ code: 'SEATS_EXHAUSTED' })
      }
      expect(granted.filter((r) => r.json<Seat>().overage)).toHaveLength(max - 10)
      const list = await t.request('GET', `/v1/admin/licenses/${license.id}/seats`)
      expect(list.json()).toMatchObject({ seats: { used: max } })
    },
  )
})
