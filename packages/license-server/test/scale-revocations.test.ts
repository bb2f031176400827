import {
  applyRevocationDelta,
  isRevoked,
  verifyRevocationDelta,
  verifyRevocationList,
  type KeySet,
} from '@tollgate/license-client'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest'
import { seedLicense } from './helpers/fixtures.js'
import { createTestApp, type TestApp } from './helpers/test-app.js'
import { buildFleetApp, fetchKeys } from './fleet-support.js'

let t: TestApp
let other: FastifyInstance
let keys: KeySet
beforeAll(async () => {
  t = await createTestApp()
  other = await buildFleetApp({ db: t.db, clock: t.clock })
  keys = await fetchKeys(t.app)
})
afterAll(async () => {
  await other.close()
  await t.close()
})

const get = (url: string, headers: Record<string, string> = {}, app = t.app) =>
  app.inject({ method: 'GET', url, headers })
const revoke = async (id: string) =>
  expect(
    (await t.request('POST', `/v1/admin/licenses/${id}/revoke`, { reason: 'x' })).statusCode,
  ).toBe(200)

describe('revocation list at scale', () => {
  it('is built and signed once per change, and answers 304 to If-None-Match', async () => {
    const a = await seedLicense(t)
    await revoke(a.license.id)
    const first = await get('/v1/revocations')
    expect(first.statusCode).toBe(200)
    const etag = first.headers.etag as string
    expect(etag).toMatch(/^"rl-\d+-\d+-/)
    const signs = t.app.fleet.revocations.stats.signs
    const again = await get('/v1/revocations')
    expect(again.body).toBe(first.body)
    expect(t.app.fleet.revocations.stats.signs).toBe(signs)
    const cond = await get('/v1/revocations', { 'if-none-match': etag })
    expect(cond.statusCode).toBe(304)
    expect(cond.body).toBe('')
    const raw = await get('/v1/revocations?format=jws')
    expect(
      (await get('/v1/revocations?format=jws', { 'if-none-match': raw.headers.etag as string }))
        .statusCode,
    ).toBe(304)
    expect(t.app.fleet.revocations.stats.signs).toBe(signs)
  })

  it('answers 304 from memory without a database read, and sees a change made here at once', async () => {
    // Its own instance with a long check period: a slow machine must not age the version out.
    const app = await buildFleetApp({
      db: t.db,
      clock: t.clock,
      fleet: { revocationVersionCheckMs: 600_000 },
    })
    onTestFinished(() => app.close())
    const get = (url: string, headers: Record<string, string> = {}) =>
      app.inject({ method: 'GET', url, headers })
    const first = await get('/v1/revocations')
    const etag = first.headers.etag as string
    const versions = app.fleet.revocations.versions
    await get('/v1/revocations', { 'if-none-match': etag }) // version cached now
    const reads = versions.reads
    for (let i = 0; i < 20; i++) {
      expect((await get('/v1/revocations', { 'if-none-match': etag })).statusCode).toBe(304)
    }
    expect(versions.reads).toBe(reads)
    // A revoke, suspend or reinstate on this instance invalidates the cached version at once.
    const a = await seedLicense(t)
    const res = await app.inject({
      method: 'POST',
      url: `/v1/admin/licenses/${a.license.id}/revoke`,
      headers: { authorization: `Bearer ${t.adminKey}` },
      payload: { reason: 'x' },
    })
    expect(res.statusCode, res.body).toBe(200)
    const changed = await get('/v1/revocations', { 'if-none-match': etag })
    expect(changed.statusCode).toBe(200)
    expect(verifyRevocationList(changed.json<{ list: string }>().list, keys).revoked).toContain(
      a.license.id,
    )
    // An unknown tenant is not cached and stays NOT_FOUND.
    const unknown = await get('/v1/revocations?tenant=ten_doesnotexist')
    expect(unknown.statusCode).toBe(404)
    expect(versions.cacheStats().size).toBeLessThanOrEqual(2)
  })

  it('learns a change made on another instance within the version check period, replaying only that change', async () => {
    const before = await get('/v1/revocations')
    const { version } = before.json<{ version: number }>()
    const b = await seedLicense(t)
    const res = await other.inject({
      method: 'POST',
      url: `/v1/admin/licenses/${b.license.id}/suspend`,
      headers: { authorization: `Bearer ${t.adminKey}` },
      payload: { reason: 'audit' },
    })
    expect(res.statusCode, res.body).toBe(200)
    const builds = t.app.fleet.revocations.stats.builds
    // Seen within the version check period (REVOCATION_VERSION_CHECK_MS, 1 s by default).
    const after = await vi.waitFor(
      async () => {
        const r = await get('/v1/revocations', { 'if-none-match': before.headers.etag as string })
        expect(r.statusCode).toBe(200)
        return r
      },
      { timeout: 10_000, interval: 100 },
    )
    const body = after.json<{ version: number; list: string }>()
    expect(body.version).toBeGreaterThan(version)
    expect(verifyRevocationList(body.list, keys).suspended).toContain(b.license.id)
    expect(t.app.fleet.revocations.stats.builds).toBe(builds) // replayed, not rebuilt
  })

  it('answers ?since= with a signed delta that brings a held list to the current one', async () => {
    const held = verifyRevocationList(
      (await get('/v1/revocations')).json<{ list: string }>().list,
      keys,
    )
    const c = await seedLicense(t)
    const d = await seedLicense(t)
    await revoke(c.license.id)
    expect(
      (await t.request('POST', `/v1/admin/licenses/${d.license.id}/suspend`, { reason: 'y' }))
        .statusCode,
    ).toBe(200)
    expect(
      (await t.request('POST', `/v1/admin/licenses/${d.license.id}/reinstate`)).statusCode,
    ).toBe(200)

    const res = await get(`/v1/revocations?since=${held.ver}`)
    expect(res.statusCode, res.body).toBe(200)
    const body = res.json<{ version: number; delta: string }>()
    const delta = verifyRevocationDelta(body.delta, keys)
    expect(delta).toMatchObject({ since: held.ver, ver: body.version, revoked: [c.license.id] })
    expect(delta.cleared).toEqual([d.license.id])
    const merged = applyRevocationDelta(held, delta)
    const full = verifyRevocationList(
      (await get('/v1/revocations')).json<{ list: string }>().list,
      keys,
    )
    expect([...merged.revoked].sort()).toEqual(full.revoked)
    expect([...merged.suspended].sort()).toEqual(full.suspended)
    expect(isRevoked(merged, c.license.id)).toBe(true)
    expect(body.delta.length).toBeLessThan(1000)

    // Nothing changed since: 304 to the delta's ETag.
    const cond = await get(`/v1/revocations?since=${held.ver}`, {
      'if-none-match': res.headers.etag as string,
    })
    expect(cond.statusCode).toBe(304)
    // A version this server never issued: the whole list.
    const ahead = await get(`/v1/revocations?since=${body.version + 1000}`)
    expect(ahead.json<{ list?: string }>().list).toBeDefined()
  })

  it('keeps each tenant on its own list and version', async () => {
    const globex = await t.addTenant('Globex')
    const res = await get(`/v1/revocations?tenant=${globex.tenantId}&since=0`)
    expect(res.statusCode, res.body).toBe(200)
    const body = res.json<{ version: number; delta: string }>()
    expect(body.version).toBe(0)
    const jwks = await get(`/.well-known/jwks.json?tenant=${globex.tenantId}`)
    expect(jwks.statusCode).toBe(200)
  })
})
