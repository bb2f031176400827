import { verifyLicense } from '@tollgate/license-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seedLicense, validate, type Obj } from './helpers/fixtures.js'
import { createTestApp, type TestApp } from './helpers/test-app.js'

let t: TestApp
let other: { tenantId: string; adminKey: string }
let a: Awaited<ReturnType<typeof seedLicense>>
let aKeyId: string
let aKid: string

beforeAll(async () => {
  t = await createTestApp()
  other = await t.addTenant('Globex')
  a = await seedLicense(t)
  const created = await t.request('POST', '/v1/admin/api-keys', {
    name: 'ci',
    scopes: ['licenses:read'],
  })
  aKeyId = created.json<{ apiKey: Obj }>().apiKey.id
  // A retired key of tenant A, so retire/delete have a real target.
  const rotated = await t.request('POST', '/v1/admin/signing-keys/rotate')
  expect(rotated.statusCode).toBe(201)
  const keys = (await t.request('GET', '/v1/admin/signing-keys')).json<{
    items: { kid: string }[]
  }>()
  aKid = keys.items[1]!.kid
  expect((await t.request('POST', `/v1/admin/signing-keys/${aKid}/retire`)).statusCode).toBe(200)
})
afterAll(() => t.close())

const future = new Date(Date.now() + 400 * 86_400_000).toISOString()

describe('tenant isolation', () => {
  it("answers NOT_FOUND for another tenant's objects on every admin route", async () => {
    const calls: [string, string, unknown?][] = [
      ['GET', `/v1/admin/customers/${a.customer.id}`],
      ['PATCH', `/v1/admin/customers/${a.customer.id}`, { name: 'pwned' }],
      ['DELETE', `/v1/admin/customers/${a.customer.id}`],
      ['GET', `/v1/admin/plans/${a.plan.id}`],
      ['PATCH', `/v1/admin/plans/${a.plan.id}`, { name: 'pwned' }],
      ['DELETE', `/v1/admin/plans/${a.plan.id}`],
      ['GET', `/v1/admin/licenses/${a.license.id}`],
      ['POST', `/v1/admin/licenses/${a.license.id}/suspend`, { reason: 'x' }],
      ['POST', `/v1/admin/licenses/${a.license.id}/reinstate`],
      ['POST', `/v1/admin/licenses/${a.license.id}/renew`, { expiresAt: future }],
      ['POST', `/v1/admin/licenses/${a.license.id}/revoke`, { reason: 'x' }],
      ['POST', `/v1/admin/licenses/${a.license.id}/reissue`],
      ['POST', '/v1/admin/licenses', { customerId: a.customer.id, planId: a.plan.id }],
      ['POST', `/v1/admin/api-keys/${aKeyId}/revoke`],
      ['POST', `/v1/admin/signing-keys/${aKid}/retire`],
      ['DELETE', `/v1/admin/signing-keys/${aKid}`],
    ]
    for (const [method, url, body] of calls) {
      const res = await t.request(method, url, body, other.adminKey)
      expect(res.statusCode, `${method} ${url}: ${res.body}`).toBe(404)
      expect(res.json()).toMatchObject({ code: 'NOT_FOUND', status: 404 })
    }
    // Nothing changed for tenant A.
    const lic = (await t.request('GET', `/v1/admin/licenses/${a.license.id}`)).json<Obj>()
    expect(lic.status).toBe('active')
    expect((await validate(t, a.token)).code).toBe('VALID')
  })

  it("never lists another tenant's objects", async () => {
    for (const url of [
      '/v1/admin/customers',
      '/v1/admin/plans',
      '/v1/admin/licenses',
      '/v1/admin/api-keys',
      '/v1/admin/signing-keys',
      '/v1/admin/audit',
    ]) {
      const mine = (await t.request('GET', url)).json<{ items: Record<string, unknown>[] }>().items
      const theirs = (await t.request('GET', url, undefined, other.adminKey)).json<{
        items: Record<string, unknown>[]
      }>().items
      const ids = (items: Record<string, unknown>[]) =>
        new Set(items.map((i) => String(i.id ?? i.kid)))
      const overlap = [...ids(theirs)].filter((id) => ids(mine).has(id))
      expect(overlap, url).toEqual([])
      expect(mine.length, url).toBeGreaterThan(0)
    }
    const filtered = (
      await t.request(
        'GET',
        `/v1/admin/licenses?customerId=${a.customer.id}`,
        undefined,
        other.adminKey,
      )
    ).json<{ items: unknown[] }>()
    expect(filtered.items).toEqual([])
    const audit = (
      await t.request('GET', `/v1/admin/audit?targetId=${a.license.id}`, undefined, other.adminKey)
    ).json<{ items: unknown[] }>()
    expect(audit.items).toEqual([])
  })

  it("serves each tenant its own JWKS; one tenant's keys never verify another's tokens", async () => {
    const b = await seedLicense(t, { key: other.adminKey })
    const jwksA = (await t.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json<{
      keys: { kid: string }[]
    }>()
    const jwksB = (
      await t.app.inject({ method: 'GET', url: `/.well-known/jwks.json?tenant=${other.tenantId}` })
    ).json<{ keys: { kid: string }[] }>()
    expect(jwksA.keys.map((k) => k.kid)).not.toEqual(
      expect.arrayContaining(jwksB.keys.map((k) => k.kid)),
    )
    expect(verifyLicense(b.token, jwksB as never).claims.iss).toBe(other.tenantId)
    expect(() => verifyLicense(b.token, jwksA as never)).toThrow(/kid/)
    // Both validate online, each against its own tenant.
    expect((await validate(t, b.token)).code).toBe('VALID')
    expect((await validate(t, a.token)).code).toBe('VALID')
    const unknown = await t.app.inject({
      method: 'GET',
      url: '/.well-known/jwks.json?tenant=ten_doesnotexist',
    })
    expect(unknown.json()).toMatchObject({ code: 'NOT_FOUND' })
  })

  it("cannot issue against another tenant's customer or plan, even mixed with its own", async () => {
    const b = await seedLicense(t, { key: other.adminKey })
    for (const body of [
      { customerId: a.customer.id, planId: b.plan.id },
      { customerId: b.customer.id, planId: a.plan.id },
    ]) {
      const res = await t.request('POST', '/v1/admin/licenses', body, other.adminKey)
      expect(res.json()).toMatchObject({ code: 'NOT_FOUND', status: 404 })
    }
  })

  it('keeps generic sweeps of id routes (including other features) from leaking tenant A objects', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/docs/json' })).json<{
      paths: Record<string, Record<string, unknown>>
    }>()
    const ids: Record<string, string> = {
      customers: a.customer.id,
      plans: a.plan.id,
      licenses: a.license.id,
      'api-keys': aKeyId,
    }
    let checked = 0
    for (const [path, methods] of Object.entries(doc.paths)) {
      const m = /^\/v1\/admin\/([a-z-]+)\/\{id\}/.exec(path)
      const id = m ? ids[m[1]!] : undefined
      if (!id) continue
      for (const method of Object.keys(methods)) {
        const res = await t.request(
          method.toUpperCase(),
          path.replace('{id}', id),
          method === 'get' || method === 'delete' ? undefined : {},
          other.adminKey,
        )
        expect(res.statusCode, `${method} ${path}: ${res.body}`).toBeGreaterThanOrEqual(400)
        expect(res.statusCode, `${method} ${path}`).toBeLessThan(500)
        expect(['NOT_FOUND', 'VALIDATION_FAILED'], `${method} ${path}: ${res.body}`).toContain(
          res.json<{ code: string }>().code,
        )
        checked++
      }
    }
    expect(checked).toBeGreaterThanOrEqual(12)
  })
})
