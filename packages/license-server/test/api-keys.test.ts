import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sha256Hex } from '../src/lib/hash.js'
import { post, seedLicense, type Obj } from './helpers/fixtures.js'
import { createTestApp, type TestApp } from './helpers/test-app.js'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp()
})
afterAll(() => t.close())

describe('admin API keys', () => {
  it('shows the secret once, stores only its SHA-256, and enforces scopes', async () => {
    const { apiKey, secret } = await post<{
      apiKey: Obj & { prefix: string; scopes: string[] }
      secret: string
    }>(t, '/v1/admin/api-keys', { name: 'reader', scopes: ['licenses:read'] })
    expect(secret).toMatch(/^tg_admin_[A-Za-z0-9]{40}$/)
    expect(secret.startsWith(apiKey.prefix)).toBe(true)
    const row = await t.db
      .selectFrom('api_keys')
      .selectAll()
      .where('id', '=', apiKey.id)
      .executeTakeFirstOrThrow()
    expect(row.key_hash).toBe(sha256Hex(secret))
    const listed = (await t.request('GET', '/v1/admin/api-keys')).body
    expect(listed).not.toContain(secret)
    expect(listed).not.toContain(row.key_hash)

    expect((await t.request('GET', '/v1/admin/licenses', undefined, secret)).statusCode).toBe(200)
    const denied = await t.request('POST', '/v1/admin/customers', { name: 'x' }, secret)
    expect(denied.json()).toMatchObject({ code: 'INSUFFICIENT_SCOPE', status: 403 })
    expect(
      (await t.request('GET', '/v1/admin/audit', undefined, secret)).json<{ code: string }>().code,
    ).toBe('INSUFFICIENT_SCOPE')
    expect(
      (await t.request('GET', '/v1/admin/api-keys', undefined, secret)).json<{ code: string }>()
        .code,
    ).toBe('INSUFFICIENT_SCOPE')
  })

  it('write implies read; area:* covers an area', async () => {
    const { secret } = await post<{ secret: string }>(t, '/v1/admin/api-keys', {
      name: 'ops',
      scopes: ['licenses:write', 'customers:*', 'plans:write'],
    })
    await seedLicense(t, { key: secret })
    expect((await t.request('GET', '/v1/admin/licenses', undefined, secret)).statusCode).toBe(200)
    expect((await t.request('GET', '/v1/admin/customers', undefined, secret)).statusCode).toBe(200)
  })

  it('a key cannot grant scopes it lacks', async () => {
    const { secret } = await post<{ secret: string }>(t, '/v1/admin/api-keys', {
      name: 'keyadmin',
      scopes: ['keys:admin', 'licenses:read'],
    })
    const ok = await t.request(
      'POST',
      '/v1/admin/api-keys',
      { name: 'sub', scopes: ['licenses:read'] },
      secret,
    )
    expect(ok.statusCode).toBe(201)
    for (const scopes of [['licenses:write'], ['*'], ['billing:read']]) {
      const res = await t.request('POST', '/v1/admin/api-keys', { name: 'esc', scopes }, secret)
      expect(res.json(), JSON.stringify(scopes)).toMatchObject({ code: 'INSUFFICIENT_SCOPE' })
    }
  })

  it('revocation takes effect on the next request and is audited', async () => {
    const { apiKey, secret } = await post<{ apiKey: Obj; secret: string }>(
      t,
      '/v1/admin/api-keys',
      {
        name: 'temp',
        scopes: ['*'],
      },
    )
    expect((await t.request('GET', '/v1/admin/plans', undefined, secret)).statusCode).toBe(200)
    const revoked = await post<Obj & { revokedAt: string | null }>(
      t,
      `/v1/admin/api-keys/${apiKey.id}/revoke`,
      undefined,
      200,
    )
    expect(revoked.revokedAt).toBeTruthy()
    expect((await t.request('GET', '/v1/admin/plans', undefined, secret)).json()).toMatchObject({
      code: 'API_KEY_REVOKED',
      status: 401,
    })
    const audit = (await t.request('GET', `/v1/admin/audit?targetId=${apiKey.id}`)).json<{
      items: { action: string }[]
    }>()
    expect(audit.items.map((e) => e.action)).toEqual(['api_key.revoke', 'api_key.create'])
  })

  it('records last use', async () => {
    const { apiKey, secret } = await post<{ apiKey: Obj; secret: string }>(
      t,
      '/v1/admin/api-keys',
      {
        name: 'used',
        scopes: ['plans:read'],
      },
    )
    await t.request('GET', '/v1/admin/plans', undefined, secret)
    const row = await t.db
      .selectFrom('api_keys')
      .select('last_used_at')
      .where('id', '=', apiKey.id)
      .executeTakeFirstOrThrow()
    expect(row.last_used_at).toBeInstanceOf(Date)
  })
})
