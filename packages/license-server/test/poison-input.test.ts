// One bad input must never hurt anyone else (issue 20): text Postgres cannot store, poisoned
// rows in coalesced writes, and keys whose JWS parts decode to `null`.
import { crc32 } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HeartbeatCoalescer } from '../src/deployments/heartbeat-coalescer.js'
import { seedLicense, type Obj } from './helpers/fixtures.js'
import { createTestApp, type TestApp } from './helpers/test-app.js'
import { createTestDatabase } from './helpers/test-db.js'
import { expectError, publicPost } from './fleet-support.js'

let t: TestApp
let a: Awaited<ReturnType<typeof seedLicense>>
let b: Awaited<ReturnType<typeof seedLicense>>
let otherKey: string

beforeAll(async () => {
  t = await createTestApp()
  a = await seedLicense(t)
  const other = await t.addTenant('Other vendor')
  otherKey = other.adminKey
  b = await seedLicense(t, { key: otherKey })
})
afterAll(() => t.close())

const NUL = 'a\u0000b'
const LONE_HIGH = 'a\ud800b'
const LONE_LOW = 'a\udc00b'

describe('text Postgres cannot store is 400 VALIDATION_FAILED, never 500', () => {
  const bodies = (bad: string): [string, string, unknown][] => [
    ['POST', '/v1/admin/customers', { name: bad }],
    ['POST', '/v1/admin/customers', { name: 'x', metadata: { note: bad } }],
    ['POST', '/v1/admin/customers', { name: 'x', metadata: { [bad]: 1 } }],
    ['POST', '/v1/admin/customers', { name: 'x', metadata: { deep: [{ x: bad }] } }],
    ['PATCH', `/v1/admin/customers/${a.customer.id}`, { name: bad }],
    [
      'POST',
      '/v1/admin/plans',
      {
        name: bad,
        product: 'p',
        tier: 't',
        entitlements: ['a'],
        policy: {
          expiryGraceDays: 1,
          offlineGraceDays: 1,
          heartbeatIntervalS: 60,
          maxDeployments: 1,
        },
      },
    ],
    ['POST', `/v1/admin/licenses/${a.license.id}/suspend`, { reason: bad }],
    ['POST', '/v1/admin/api-keys', { name: bad, scopes: ['*'] }],
    ['POST', '/v1/licenses/validate', { key: bad }],
    ['POST', '/v1/deployments/activate', { key: a.token, deploymentId: bad }],
    ['POST', '/v1/deployments/activate', { key: a.token, deploymentId: 'd', appVersion: bad }],
    [
      'POST',
      '/v1/deployments/activate',
      { key: a.token, deploymentId: 'd', fingerprint: { hostname: bad } },
    ],
    ['POST', '/v1/deployments/heartbeat', { key: a.token, deploymentId: 'd', appVersion: bad }],
    ['POST', '/v1/deployments/deactivate', { key: a.token, deploymentId: bad }],
    [
      'POST',
      '/v1/usage',
      {
        key: a.token,
        deploymentId: bad,
        batchId: 'b1',
        counters: [{ metric: 'm', amount: 1, period: '2026-01-01' }],
      },
    ],
    ['POST', '/v1/violations', { key: a.token, kind: 'integrity', details: { why: bad } }],
  ]

  for (const [label, bad] of [
    ['NUL', NUL],
    ['a lone high surrogate', LONE_HIGH],
    ['a lone low surrogate', LONE_LOW],
  ] as const) {
    it(`${label} in a body string`, async () => {
      for (const [method, url, body] of bodies(bad)) {
        const res = await t.request(method, url, body)
        expect(res.statusCode, `${method} ${url} ${JSON.stringify(body)}: ${res.body}`).toBe(400)
        expect(res.json(), url).toMatchObject({ code: 'VALIDATION_FAILED', status: 400 })
      }
    })
  }

  it('NUL or a lone surrogate in a query parameter or path parameter', async () => {
    for (const url of [
      '/v1/admin/customers?email=a%00b',
      '/v1/admin/audit?action=a%00b',
      '/v1/admin/audit?actor=a%00b',
      '/v1/admin/audit?targetId=a%00b',
      '/v1/admin/audit?cursor=a%00b',
      '/v1/admin/licenses?cursor=%00',
      '/v1/admin/billing/events?type=a%00b',
      `/v1/admin/licenses/${a.license.id}/violations?kind=a%00b`,
      '/.well-known/jwks.json?tenant=a%00b',
      '/v1/admin/customers/cus_%00',
    ]) {
      const res = await t.request('GET', url)
      expect(res.statusCode, `${url}: ${res.body}`).toBeGreaterThanOrEqual(400)
      expect(res.statusCode, `${url}: ${res.body}`).toBeLessThan(500)
      expect(res.json<Obj>().code, url).toMatch(/^(VALIDATION_FAILED|BAD_REQUEST)$/)
    }
  })

  it('a lone surrogate escaped in raw JSON (what JSON.parse yields from "\\ud800")', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/admin/customers',
      headers: { authorization: `Bearer ${t.adminKey}`, 'content-type': 'application/json' },
      payload: '{"name":"x\\ud800y"}',
    })
    expectError(res, 400, 'VALIDATION_FAILED')
    const ok = await t.request('POST', '/v1/admin/customers', { name: 'emoji \u{1F600} ok' })
    expect(ok.statusCode, ok.body).toBe(201)
  })
})

describe('a poisoned row in a coalesced heartbeat flush hurts nobody else', () => {
  it('rejects a NUL appVersion over HTTP and keeps flushing other tenants', async () => {
    for (const [lic, dep] of [
      [a, 'poison-a'],
      [b, 'poison-b'],
    ] as const) {
      const res = await publicPost(t.app, '/v1/deployments/activate', {
        key: lic.token,
        deploymentId: dep,
      })
      expect(res.statusCode, res.body).toBe(200)
    }
    const bad = await publicPost(t.app, '/v1/deployments/heartbeat', {
      key: a.token,
      deploymentId: 'poison-a',
      appVersion: '1.0\u0000',
    })
    expectError(bad, 400, 'VALIDATION_FAILED')
  })

  it('writes every good row of a batch, quarantines the bad one, and does not retry it forever', async () => {
    const deps = await t.db
      .selectFrom('deployments')
      .select(['id', 'license_id', 'tenant_id', 'install_id', 'last_seen_at'])
      .where('install_id', 'in', ['poison-a', 'poison-b'])
      .execute()
    expect(deps).toHaveLength(2)
    const errors: unknown[] = []
    const coalescer = new HeartbeatCoalescer(t.db, {
      intervalMs: 0,
      chunkSize: 2000,
      onError: (err) => errors.push(err),
    })
    const seenAt = new Date(Date.now() + 3_600_000)
    const [depA, depB] = [
      deps.find((d) => d.install_id === 'poison-a')!,
      deps.find((d) => d.install_id === 'poison-b')!,
    ]
    // Bypasses HTTP validation on purpose: whatever slips through must not stall the batch.
    coalescer.record({
      id: depA.id,
      licenseId: depA.license_id,
      tenantId: depA.tenant_id,
      seenAt,
      appVersion: '9.9\u0000',
      revive: false,
      deadAfter: new Date(Date.now() + 3_600_000),
      address: null,
    })
    coalescer.record({
      id: depB.id,
      licenseId: depB.license_id,
      tenantId: depB.tenant_id,
      seenAt,
      appVersion: '2.0.0',
      revive: false,
      deadAfter: new Date(Date.now() + 3_600_000),
      address: '10.0.0.2',
    })
    await coalescer.flush()
    expect(coalescer.size).toBe(0)
    const after = await t.db
      .selectFrom('deployments')
      .select(['install_id', 'last_seen_at', 'app_version'])
      .where('install_id', 'in', ['poison-a', 'poison-b'])
      .orderBy('install_id')
      .execute()
    // The other tenant's heartbeat is written.
    expect(after[1]).toMatchObject({ install_id: 'poison-b', app_version: '2.0.0' })
    expect(after[1]!.last_seen_at.getTime()).toBe(seenAt.getTime())
    // The poisoned one keeps its sighting, without the text Postgres could not store.
    expect(after[0]!.last_seen_at.getTime()).toBe(seenAt.getTime())
    expect(after[0]!.app_version ?? '').not.toContain('\u0000')
    expect(coalescer.stats.quarantined).toBe(1)
    expect(errors).toHaveLength(1)
    // Nothing left to retry: the next flush is a no-op, not the same failure again.
    await coalescer.close()
    expect(coalescer.stats.failures).toBe(0)
  })

  it('keeps entries pending (no quarantine) when the database itself fails', async () => {
    const gone = await createTestDatabase()
    await gone.destroy()
    const coalescer = new HeartbeatCoalescer(gone.db, { intervalMs: 0, onError: () => undefined })
    coalescer.record({
      id: 'dep_x',
      licenseId: 'lic_x',
      tenantId: t.tenantId,
      seenAt: new Date(),
      appVersion: '1.0',
      revive: false,
      deadAfter: new Date(Date.now() + 3_600_000),
      address: null,
    })
    await expect(coalescer.flush()).rejects.toThrow()
    expect(coalescer.stats).toMatchObject({ quarantined: 0, failures: 1 })
    expect(coalescer.size).toBe(1)
  })
})

describe('keys whose JWS header or payload is `null` (checksum correct) are INVALID everywhere', () => {
  const b64 = (s: string) => Buffer.from(s).toString('base64url')
  const wrap = (jws: string) => {
    const body = `TG1-${jws}`
    return `${body}-${crc32(body).toString(16).padStart(8, '0')}`
  }
  const header = b64(JSON.stringify({ alg: 'EdDSA', kid: 'k', typ: 'license+jws' }))
  const keys = [
    wrap(`${b64('null')}.${b64('null')}.AAAA`),
    wrap(`${header}.${b64('null')}.AAAA`),
    wrap(`${b64('null')}.${b64('{"iss":"ten_x"}')}.AAAA`),
    wrap(`${header}.${b64('[]')}.AAAA`),
    wrap(`${header}.${b64('"str"')}.AAAA`),
    wrap(`${header}.${b64('42')}.AAAA`),
  ]

  it('validate answers 200 INVALID', async () => {
    for (const key of keys) {
      const res = await publicPost(t.app, '/v1/licenses/validate', { key })
      expect(res.statusCode, `${key}: ${res.body}`).toBe(200)
      expect(res.json()).toMatchObject({ valid: false, code: 'INVALID' })
    }
  })

  it('activate, heartbeat, deactivate, usage, violations and analyze answer 401', async () => {
    for (const key of keys) {
      for (const [url, body] of [
        ['/v1/deployments/activate', { key, deploymentId: 'd1' }],
        ['/v1/deployments/heartbeat', { key, deploymentId: 'd1' }],
        ['/v1/deployments/deactivate', { key, deploymentId: 'd1' }],
        [
          '/v1/usage',
          {
            key,
            deploymentId: 'd1',
            batchId: 'b1',
            counters: [{ metric: 'm', amount: 1, period: '2026-01-01' }],
          },
        ],
        ['/v1/violations', { key, kind: 'integrity' }],
        [
          '/v1/analyze',
          { key, bytecode: '0x6000', analysisType: 'vulnerability', nonce: 'n'.repeat(16) },
        ],
      ] as const) {
        const res = await publicPost(t.app, url, body)
        expect(res.statusCode, `${url} ${key}: ${res.body}`).toBe(401)
        expect(res.json<Obj>().code, url).toBe('INVALID_LICENSE_KEY')
      }
    }
  })
})
