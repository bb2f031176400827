import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createStaff, signInStaff } from './helpers/console-support.js'
import { POLICY, post, seedLicense, type Obj } from './helpers/fixtures.js'
import { startInstance } from './helpers/second-instance.js'
import { createTestApp, type TestApp } from './helpers/test-app.js'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp()
})
afterAll(() => t.close())

const hash = (licenseId: string, user: string) =>
  createHash('sha256').update(`${licenseId}:${user}`).digest('hex')

function call(action: 'assign' | 'release', key: string, userHash: string, app = t.app) {
  return app.inject({
    method: 'POST',
    url: `/v1/licenses/users/${action}`,
    payload: { key, userHash },
  })
}

describe('named users', () => {
  it('assigns up to limits.maxUsers, idempotently, releases, audits and counts', async () => {
    const { license, token } = await seedLicense(t, { plan: { limits: { maxUsers: 2 } } })
    const [a, b, c] = ['alice', 'bob', 'carol'].map((u) => hash(license.id, u)) as [
      string,
      string,
      string,
    ]
    expect((await call('assign', token, a)).json()).toEqual({ assigned: true, used: 1, max: 2 })
    expect((await call('assign', token, a)).json()).toEqual({ assigned: false, used: 1, max: 2 })
    expect((await call('assign', token, b)).json()).toEqual({ assigned: true, used: 2, max: 2 })
    const full = await call('assign', token, c)
    expect(full.statusCode).toBe(409)
    expect(full.json()).toMatchObject({ code: 'USER_LIMIT_REACHED', status: 409 })
    expect((await call('release', token, a)).json()).toEqual({ released: true, used: 1, max: 2 })
    expect((await call('release', token, a)).json()).toEqual({ released: false, used: 1, max: 2 })
    expect((await call('assign', token, c)).json()).toEqual({ assigned: true, used: 2, max: 2 })

    const list = await t.request('GET', `/v1/admin/licenses/${license.id}/users`)
    const body = list.json<{ items: { userHash: string }[]; used: number; max: number }>()
    expect(body.items.map((i) => i.userHash).sort()).toEqual([b, c].sort())
    expect([body.used, body.max]).toEqual([2, 2])
    const page = await t.request('GET', `/v1/admin/licenses/${license.id}/users?limit=1`)
    const first = page.json<{ items: { userHash: string }[]; next: string }>()
    expect(first.items).toHaveLength(1)
    const rest = await t.request(
      'GET',
      `/v1/admin/licenses/${license.id}/users?limit=1&after=${first.next}`,
    )
    expect(rest.json<{ items: { userHash: string }[] }>().items[0]!.userHash).not.toBe(
      first.items[0]!.userHash,
    )

    const staff = await post(
      t,
      `/v1/admin/licenses/${license.id}/users/release`,
      { userHash: b },
      200,
    )
    expect(staff).toMatchObject({ released: true, used: 1 })

    const audit = await t.request('GET', `/v1/admin/audit?targetId=${license.id}&limit=50`)
    const actions = audit.json<{ items: { action: string }[] }>().items.map((e) => e.action)
    expect(actions.filter((x) => x === 'license.user_assign')).toHaveLength(3)
    expect(actions.filter((x) => x === 'license.user_release')).toHaveLength(2)
    const metrics = await t.app.inject({ method: 'GET', url: '/metrics' })
    expect(metrics.body).toMatch(/tollgate_named_users_total\{outcome="refused"\} 1/)
    expect(metrics.body).toMatch(/tollgate_named_users_total\{outcome="assigned"\} 3/)
  })

  it('refuses bad input, bad keys, other tenants and restricted licenses with typed codes', async () => {
    const { license, token } = await seedLicense(t, { plan: { limits: { maxUsers: 5 } } })
    for (const userHash of ['abc', 'G'.repeat(64), 'a'.repeat(63) + '\u0000', null]) {
      const r = await call('assign', token, userHash as string)
      expect(r.statusCode).toBe(400)
      expect(r.json<Obj>().code).toBe('VALIDATION_FAILED')
    }
    const forged = await call('assign', token.slice(0, -3) + 'AAA', hash(license.id, 'x'))
    expect(forged.statusCode).toBe(401)
    const other = await t.addTenant('Other')
    const peek = await t.request(
      'GET',
      `/v1/admin/licenses/${license.id}/users`,
      undefined,
      other.adminKey,
    )
    expect(peek.json()).toMatchObject({ code: 'NOT_FOUND', status: 404 })
    await post(t, `/v1/admin/licenses/${license.id}/revoke`, { reason: 'test' }, 200)
    const revoked = await call('assign', token, hash(license.id, 'y'))
    expect(revoked.json()).toMatchObject({ code: 'LICENSE_REVOKED', status: 403 })
  })

  it('never exceeds maxUsers under concurrent assigns from two server instances', async () => {
    const { license, token } = await seedLicense(t, {
      plan: { limits: { maxUsers: 5 }, policy: POLICY },
    })
    const other = await startInstance(t, {
      rateLimit: {
        windowMs: 60_000,
        publicMax: 1_000_000,
        adminMax: 1_000_000,
        tiers: { default: 1_000_000 },
      },
    })
    try {
      const users = Array.from({ length: 40 }, (_, i) => hash(license.id, `u${i}`))
      const answers = await Promise.all(
        users.map((u, i) => call('assign', token, u, i % 2 === 0 ? t.app : other.app)),
      )
      const codes = answers.map((r) => r.statusCode)
      expect(codes.filter((c) => c === 200)).toHaveLength(5)
      expect(codes.filter((c) => c === 409)).toHaveLength(35)
      const rows = await t.db
        .selectFrom('license_users')
        .select('user_hash')
        .where('license_id', '=', license.id)
        .execute()
      expect(rows).toHaveLength(5)
    } finally {
      await other.close()
    }
  })

  it('lists the assigned users of a license on a console page (hashes only, tenant-scoped)', async () => {
    const { license, token } = await seedLicense(t, { plan: { limits: { maxUsers: 4 } } })
    const h1 = hash(license.id, 'dana@example.com')
    expect((await call('assign', token, h1)).statusCode).toBe(200)
    const b = await signInStaff(t, await createStaff(t, 'read-only'))
    const page = await b.get(`/console/licenses/${license.id}/users`)
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain(h1)
    expect(page.body).toContain('1 of 4 named users')
    expect(page.body).not.toContain('dana@example.com')
    const other = await t.addTenant('Elsewhere')
    const stranger = await signInStaff(
      t,
      await createStaff(t, 'owner', { tenantId: other.tenantId }),
    )
    expect((await stranger.get(`/console/licenses/${license.id}/users`)).statusCode).toBe(404)
    expect((await b.get(`/console/licenses/${license.id}/users?after=%00zz`)).statusCode).toBe(400)
    expect((await b.get(`/console/licenses/lic_nope/users`)).statusCode).toBe(404)
  })
})
