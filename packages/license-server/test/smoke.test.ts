import { verifyLicense } from '@tollgate/license-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from './helpers/test-app.js'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp()
})
afterAll(() => t.close())

describe('license server smoke', () => {
  it('issues a license whose token verifies against the JWKS and validates online', async () => {
    const cus = await t.request('POST', '/v1/admin/customers', {
      name: 'Acme',
      email: 'ops@acme.test',
    })
    expect(cus.statusCode).toBe(201)
    const plan = await t.request('POST', '/v1/admin/plans', {
      name: 'Pro',
      product: 'acme-app',
      tier: 'pro',
      entitlements: ['sso'],
      limits: { users: 50 },
      policy: {
        expiryGraceDays: 14,
        offlineGraceDays: 30,
        heartbeatIntervalS: 3600,
        maxDeployments: 3,
      },
      durationDays: 365,
    })
    expect(plan.statusCode).toBe(201)
    const issued = await t.request('POST', '/v1/admin/licenses', {
      customerId: cus.json<{ id: string }>().id,
      planId: plan.json<{ id: string }>().id,
    })
    expect(issued.statusCode).toBe(201)
    const { token, license } = issued.json<{ token: string; license: { id: string } }>()
    const jwks = await t.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })
    expect(verifyLicense(token, jwks.json(), { now: t.clock.now() }).id).toBe(license.id)
    const v = await t.app.inject({
      method: 'POST',
      url: '/v1/licenses/validate',
      payload: { key: token },
    })
    expect(v.statusCode).toBe(200)
    expect(v.json()).toMatchObject({
      valid: true,
      code: 'VALID',
      entitlements: ['sso'],
      limits: { users: 50 },
    })
  })

  it('answers health', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/health' })
    expect(res.json()).toMatchObject({ status: 'ok', database: 'ok' })
  })
})
