import type { InjectOptions } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ERROR_CODES } from '../src/errors/error-codes.js'
import { seedLicense, type Obj } from './helpers/fixtures.js'
import { createTestApp, type TestApp } from './helpers/test-app.js'

let t: TestApp
let routes: { method: string; url: string; admin: boolean; hasBody: boolean; core: boolean }[]

// Routes of this issue get exact codes; other features' routes must still answer documented 4xx.
const CORE =
  /^\/v1\/(admin\/(customers|plans|licenses|api-keys|signing-keys|audit)(\/|$)|licenses\/validate)/
const FEATURE_OF_OTHERS = /\/(deployments|usage|violations)(\/|$)/
let seeded: Awaited<ReturnType<typeof seedLicense>>
let revokedKey: string

beforeAll(async () => {
  t = await createTestApp()
  seeded = await seedLicense(t)
  const created = (
    await t.request('POST', '/v1/admin/api-keys', { name: 'tmp', scopes: ['*'] })
  ).json<{
    apiKey: Obj
    secret: string
  }>()
  revokedKey = created.secret
  await t.request('POST', `/v1/admin/api-keys/${created.apiKey.id}/revoke`)
  const doc = (await t.app.inject({ method: 'GET', url: '/docs/json' })).json<{
    paths: Record<string, Record<string, unknown>>
  }>()
  // Every documented route, with path parameters filled by real ids of this tenant.
  const fill = (path: string) =>
    path
      .replace(/\/customers\/\{id\}/, `/customers/${seeded.customer.id}`)
      .replace(/\/plans\/\{id\}/, `/plans/${seeded.plan.id}`)
      .replace(/\/licenses\/\{id\}/, `/licenses/${seeded.license.id}`)
      .replace(/\{[a-zA-Z]+\}/g, 'key_0000000000000000000000')
  routes = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.keys(methods).map((m) => ({
      method: m.toUpperCase(),
      url: fill(path),
      admin: path.startsWith('/v1/admin/'),
      hasBody: ['POST', 'PATCH', 'PUT'].includes(m.toUpperCase()),
      core: CORE.test(path) && !FEATURE_OF_OTHERS.test(path),
    })),
  )
})
afterAll(() => t.close())

function expectDocumented4xx(
  res: { statusCode: number; body: string },
  what: string,
  core = true,
): string {
  expect(res.statusCode, `${what}: ${res.body}`).toBeGreaterThanOrEqual(400)
  // Other features may answer 503 when unconfigured (e.g. billing without Stripe): never 500.
  if (core || res.statusCode !== 503)
    expect(res.statusCode, `${what}: ${res.body}`).toBeLessThan(500)
  const body = JSON.parse(res.body) as {
    error: unknown
    code: keyof typeof ERROR_CODES
    status: number
  }
  expect(Object.keys(body).sort(), what).toEqual(['code', 'error', 'status'])
  expect(typeof body.error).toBe('string')
  expect(ERROR_CODES[body.code], `${what}: undocumented code ${body.code}`).toBeDefined()
  expect(body.status).toBe(res.statusCode)
  expect(ERROR_CODES[body.code].status).toBe(res.statusCode)
  return body.code
}

const auth = () => ({ authorization: `Bearer ${t.adminKey}` })

describe('bad input on every route answers a documented 4xx, never 500', () => {
  it('discovers the routes from the OpenAPI document', () => {
    expect(routes.length).toBeGreaterThanOrEqual(25)
  })

  it('malformed JSON -> MALFORMED_JSON', async () => {
    for (const r of routes.filter((x) => x.hasBody)) {
      const res = await t.app.inject({
        method: r.method as InjectOptions['method'],
        url: r.url,
        headers: { ...auth(), 'content-type': 'application/json' },
        payload: '{"name": "x",,',
      })
      const code = expectDocumented4xx(res, `${r.method} ${r.url}`, r.core)
      if (r.core) expect(code, `${r.method} ${r.url}`).toBe('MALFORMED_JSON')
    }
  })

  it('wrong top-level types and unknown fields -> VALIDATION_FAILED', async () => {
    for (const r of routes.filter((x) => x.hasBody)) {
      for (const payload of [[1, 2], '"a string"', '42', { definitelyNotAField: true }]) {
        const res = await t.app.inject({
          method: r.method as InjectOptions['method'],
          url: r.url,
          headers: { ...auth(), 'content-type': 'application/json' },
          payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
        })
        const code = expectDocumented4xx(
          res,
          `${r.method} ${r.url} ${JSON.stringify(payload)}`,
          r.core,
        )
        if (r.core)
          expect(code, `${r.method} ${r.url} ${JSON.stringify(payload)}`).toBe('VALIDATION_FAILED')
      }
    }
  })

  it('oversized bodies -> PAYLOAD_TOO_LARGE; non-JSON bodies -> UNSUPPORTED_MEDIA_TYPE', async () => {
    const huge = JSON.stringify({ name: 'x'.repeat(70_000) })
    for (const r of routes.filter((x) => x.hasBody)) {
      const res = await t.app.inject({
        method: r.method as InjectOptions['method'],
        url: r.url,
        headers: { ...auth(), 'content-type': 'application/json' },
        payload: huge,
      })
      const big = expectDocumented4xx(res, `${r.method} ${r.url}`, r.core)
      if (r.core) expect(big, r.url).toBe('PAYLOAD_TOO_LARGE')
      const text = await t.app.inject({
        method: r.method as InjectOptions['method'],
        url: r.url,
        headers: { ...auth(), 'content-type': 'text/plain' },
        payload: 'hello',
      })
      const code = expectDocumented4xx(text, `${r.method} ${r.url} text/plain`, r.core)
      if (r.core) expect(code, r.url).toBe('UNSUPPORTED_MEDIA_TYPE')
    }
  })

  it('unknown query parameters and bad path ids -> VALIDATION_FAILED', async () => {
    for (const r of routes.filter((x) => x.method === 'GET' && x.admin && x.core)) {
      const res = await t.app.inject({ method: 'GET', url: `${r.url}?bogus=1`, headers: auth() })
      expect(expectDocumented4xx(res, `GET ${r.url}?bogus=1`)).toBe('VALIDATION_FAILED')
    }
    for (const url of [
      '/v1/admin/licenses/DROP%20TABLE',
      '/v1/admin/customers/..%2F..',
      `/v1/admin/plans/${'p'.repeat(300)}`,
    ]) {
      const res = await t.app.inject({ method: 'GET', url, headers: auth() })
      expect(expectDocumented4xx(res, url)).toBe('VALIDATION_FAILED')
    }
    for (const url of ['/v1/admin/%E0%A4%A', '/v1/licenses/%zz']) {
      const res = await t.app.inject({ method: 'GET', url, headers: auth() })
      expect(expectDocumented4xx(res, url)).toBe('BAD_REQUEST')
    }
    const res = await t.app.inject({
      method: 'GET',
      url: '/v1/admin/licenses?limit=0',
      headers: auth(),
    })
    expect(expectDocumented4xx(res, 'limit=0')).toBe('VALIDATION_FAILED')
  })

  it('missing, malformed, unknown and revoked API keys on every admin route', async () => {
    const cases: [Record<string, string>, string][] = [
      [{}, 'UNAUTHORIZED'],
      [{ authorization: 'Basic dXNlcjpwYXNz' }, 'INVALID_API_KEY'],
      [{ authorization: 'Bearer tg_admin_' + 'A'.repeat(40) }, 'INVALID_API_KEY'],
      // One character changed (never to itself: a key ending in X would stay valid).
      [
        {
          authorization: `Bearer ${t.adminKey.slice(0, -1)}${t.adminKey.endsWith('X') ? 'Y' : 'X'}`,
        },
        'INVALID_API_KEY',
      ],
      [{ authorization: `Bearer ${revokedKey}` }, 'API_KEY_REVOKED'],
    ]
    for (const r of routes.filter((x) => x.admin)) {
      for (const [headers, expected] of cases) {
        const res = await t.app.inject({
          method: r.method as InjectOptions['method'],
          url: r.url,
          headers,
          ...(r.hasBody ? { payload: {} } : {}),
        })
        expect(expectDocumented4xx(res, `${r.method} ${r.url} ${JSON.stringify(headers)}`)).toBe(
          expected,
        )
      }
    }
  })

  it('field-level wrong types, missing fields and bad values on the core routes', async () => {
    const cases: [string, string, unknown][] = [
      ['POST', '/v1/admin/customers', {}],
      ['POST', '/v1/admin/customers', { name: 42 }],
      ['POST', '/v1/admin/customers', { name: 'x', email: 'not-an-email' }],
      ['POST', '/v1/admin/customers', { name: 'x', metadata: 'nope' }],
      ['PATCH', `/v1/admin/customers/${seeded.customer.id}`, {}],
      ['POST', '/v1/admin/plans', { name: 'x', product: 'p', tier: 't', entitlements: ['a'] }],
      [
        'POST',
        '/v1/admin/plans',
        { name: 'x', product: 'p', tier: 't', entitlements: 'a', policy: {} },
      ],
      [
        'POST',
        '/v1/admin/plans',
        {
          name: 'x',
          product: 'p',
          tier: 't',
          entitlements: ['a'],
          policy: {
            expiryGraceDays: '7',
            offlineGraceDays: 1,
            heartbeatIntervalS: 60,
            maxDeployments: 1,
          },
        },
      ],
      [
        'POST',
        '/v1/admin/plans',
        {
          name: 'x',
          product: 'p',
          tier: 't',
          entitlements: ['a'],
          limits: { users: -1 },
          policy: {
            expiryGraceDays: 7,
            offlineGraceDays: 1,
            heartbeatIntervalS: 60,
            maxDeployments: 1,
          },
        },
      ],
      ['POST', '/v1/admin/licenses', { customerId: seeded.customer.id }],
      [
        'POST',
        '/v1/admin/licenses',
        { customerId: seeded.customer.id, planId: seeded.plan.id, expiresAt: 'tomorrow' },
      ],
      ['POST', '/v1/admin/licenses', { customerId: 'lic_abc', planId: seeded.plan.id }],
      ['POST', `/v1/admin/licenses/${seeded.license.id}/suspend`, {}],
      ['POST', `/v1/admin/licenses/${seeded.license.id}/suspend`, { reason: '' }],
      ['POST', `/v1/admin/licenses/${seeded.license.id}/renew`, {}],
      ['POST', '/v1/admin/api-keys', { name: 'x', scopes: [] }],
      ['POST', '/v1/admin/api-keys', { name: 'x', scopes: ['DROP TABLE'] }],
      ['POST', '/v1/licenses/validate', {}],
      ['POST', '/v1/licenses/validate', { key: 12345 }],
      ['POST', '/v1/licenses/validate', { key: 'x'.repeat(16_385) }],
      ['POST', '/v1/licenses/validate', { key: seeded.token, extra: 1 }],
    ]
    for (const [method, url, body] of cases) {
      const res = await t.request(method, url, body)
      expect(
        expectDocumented4xx(res, `${method} ${url} ${JSON.stringify(body).slice(0, 80)}`),
      ).toBe('VALIDATION_FAILED')
    }
  })

  it('answers unknown routes with ROUTE_NOT_FOUND', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/v1/nope' })
    expect(expectDocumented4xx(res, '/v1/nope')).toBe('ROUTE_NOT_FOUND')
  })
})
