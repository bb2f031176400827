import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { VERSION } from '../src/version.js'
import { seedLicense, validate } from './helpers/fixtures.js'
import { TEST_MASTER_KEY, createTestApp, type TestApp } from './helpers/test-app.js'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp()
})
afterAll(() => t.close())

describe('operations and security surface', () => {
  it('health reports the database and version', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/health' })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({ status: 'ok', database: 'ok', version: VERSION })
  })

  it('sets security headers on every answer, errors included', async () => {
    for (const url of ['/health', '/v1/admin/licenses', '/nope']) {
      const res = await t.app.inject({ method: 'GET', url })
      expect(res.headers['strict-transport-security'], url).toMatch(/max-age=31536000/)
      expect(res.headers['x-content-type-options']).toBe('nosniff')
      expect(res.headers['x-frame-options']).toBe('DENY')
      expect(res.headers['content-security-policy']).toMatch(/default-src 'none'/)
      expect(res.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/)
      expect(res.headers['x-request-id']).toMatch(/^req_/)
    }
  })

  it('exports Prometheus metrics: requests and latency by route and status, validations by code', async () => {
    const { token, license } = await seedLicense(t)
    await validate(t, token)
    await validate(t, token)
    await t.request('POST', `/v1/admin/licenses/${license.id}/revoke`, { reason: 'x' })
    await validate(t, token)
    await validate(t, 'garbage')
    const text = (await t.app.inject({ method: 'GET', url: '/metrics' })).body
    expect(text).toMatch(/tollgate_license_validations_total\{code="VALID"\} 2/)
    expect(text).toMatch(/tollgate_license_validations_total\{code="REVOKED"\} 1/)
    expect(text).toMatch(/tollgate_license_validations_total\{code="INVALID"\} 1/)
    expect(text).toMatch(
      /tollgate_http_requests_total\{method="POST",route="\/v1\/licenses\/validate",status="200"\} 4/,
    )
    expect(text).toMatch(
      /tollgate_http_request_duration_seconds_bucket\{le="0\.01",method="POST",route="\/v1\/admin\/licenses\/:id\/revoke",status="200"\}/,
    )
    // Route templates only: no ids in labels.
    expect(text).not.toContain(license.id)
  })

  it('serves an OpenAPI document generated from the route schemas', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/docs/json' })).json<{
      openapi: string
      paths: Record<string, Record<string, { requestBody?: unknown; parameters?: unknown[] }>>
    }>()
    expect(doc.openapi).toMatch(/^3\./)
    for (const path of [
      '/v1/admin/customers',
      '/v1/admin/customers/{id}',
      '/v1/admin/plans',
      '/v1/admin/licenses',
      '/v1/admin/licenses/{id}/suspend',
      '/v1/admin/api-keys',
      '/v1/admin/signing-keys/rotate',
      '/v1/admin/audit',
      '/v1/licenses/validate',
      '/.well-known/jwks.json',
      '/health',
    ]) {
      expect(doc.paths[path], path).toBeDefined()
    }
    expect(doc.paths['/v1/licenses/validate']!.post!.requestBody).toBeDefined()
    expect(doc.paths['/v1/admin/licenses']!.get!.parameters!.length).toBeGreaterThan(3)
  })

  it('never writes secrets to the log', async () => {
    const lines: string[] = []
    const logged = await createTestApp()
    try {
      // Capture pino output through a destination on a second app built with a stream logger.
      const { buildApp } = await import('../src/app.js')
      const stream = { write: (s: string) => void lines.push(s) }
      const app = await buildApp({
        env: {},
        db: logged.db,
        config: { masterKey: TEST_MASTER_KEY, dataDir: 'memory://' },
        logger: { level: 'trace', stream },
      })
      try {
        const { token } = await seedLicense(logged)
        await app.inject({
          method: 'GET',
          url: '/v1/admin/licenses',
          headers: { authorization: `Bearer ${logged.adminKey}` },
        })
        await app.inject({ method: 'POST', url: '/v1/licenses/validate', payload: { key: token } })
        await app.inject({
          method: 'POST',
          url: '/v1/admin/customers',
          headers: { authorization: 'Bearer tg_admin_wrongwrongwrongwrongwrong' },
          payload: { name: 'x' },
        })
        const all = lines.join('')
        expect(all.length).toBeGreaterThan(0)
        expect(all).not.toContain(logged.adminKey)
        expect(all).not.toContain(token.slice(10, 60))
        expect(all).not.toContain('wrongwrongwrong')
        expect(all).not.toMatch(/PRIVATE KEY/)
      } finally {
        await app.close()
      }
    } finally {
      await logged.close()
    }
  })
})
