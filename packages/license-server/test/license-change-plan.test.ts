import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { POLICY, post, seedLicense, validate, type Obj } from './helpers/fixtures.js'
import { createTestApp, type TestApp } from './helpers/test-app.js'

// Staff upgrade/downgrade: POST /v1/admin/licenses/:id/plan keeps the license id (the demo's
// `upgrade`, and what support does when a customer moves tier without Stripe).
let t: TestApp
beforeAll(async () => {
  t = await createTestApp()
})
afterAll(() => t.close())

type WithToken = { license: Obj & { status: string; tier: string }; token: string }

describe('changing a license to another plan', () => {
  it('keeps the id, takes the new plan claims, keeps the expiry, audits it, and signs a new key', async () => {
    const { license, token } = await seedLicense(t, { plan: { tier: 'free', entitlements: [] } })
    const enterprise = await post(t, '/v1/admin/plans', {
      name: 'Enterprise',
      product: 'acme-app',
      tier: 'enterprise',
      entitlements: ['sso', 'reports'],
      limits: { users: 500 },
      policy: { ...POLICY, maxDeployments: 10 },
      durationDays: 30,
    })
    const moved = await post<WithToken>(
      t,
      `/v1/admin/licenses/${license.id}/plan`,
      { planId: enterprise.id },
      200,
    )
    expect(moved.license).toMatchObject({
      id: license.id,
      planId: enterprise.id,
      tier: 'enterprise',
      entitlements: ['sso', 'reports'],
      limits: { users: 500 },
      expiresAt: license.expiresAt,
    })
    expect(moved.token).not.toBe(token)
    const answer = await validate(t, moved.token)
    expect(answer).toMatchObject({ valid: true, entitlements: ['sso', 'reports'] })
    const audit = await t.request('GET', '/v1/admin/audit?action=license.plan_change')
    expect(audit.json<{ items: Obj[] }>().items.map((e) => e.targetId)).toContain(license.id)
  })

  it('refuses a revoked license, an unknown plan, another tenant, and a malformed body', async () => {
    const { license, plan } = await seedLicense(t)
    expect(
      (
        await t.request('POST', `/v1/admin/licenses/${license.id}/plan`, { planId: 'pln_nope0000' })
      ).json<Obj>().code,
    ).toBe('NOT_FOUND')
    const bad = await t.request('POST', `/v1/admin/licenses/${license.id}/plan`, { plan: plan.id })
    expect(bad.statusCode).toBe(400)
    expect(bad.json<Obj>().code).toBe('VALIDATION_FAILED')
    const other = await t.addTenant()
    const foreign = await t.request(
      'POST',
      `/v1/admin/licenses/${license.id}/plan`,
      { planId: plan.id },
      other.adminKey,
    )
    expect(foreign.json<Obj>().code).toBe('NOT_FOUND')
    await post(t, `/v1/admin/licenses/${license.id}/revoke`, { reason: 'test' }, 200)
    const revoked = await t.request('POST', `/v1/admin/licenses/${license.id}/plan`, {
      planId: plan.id,
    })
    expect(revoked.statusCode).toBe(409)
    expect(revoked.json<Obj>().code).toBe('INVALID_STATE_TRANSITION')
  })
})
