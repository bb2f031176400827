import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DAY } from './helpers/clock.js'
import { post, seedLicense, validate, type Obj } from './helpers/fixtures.js'
import { createTestApp, type TestApp } from './helpers/test-app.js'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp()
})
afterAll(() => t.close())

interface AuditEntry {
  actor: string
  action: string
  targetType: string
  targetId: string
  before: { status?: string } | null
  after: { status?: string } | null
  requestId: string | null
  ip: string | null
}

async function auditFor(targetId: string): Promise<AuditEntry[]> {
  const res = await t.request('GET', `/v1/admin/audit?targetId=${targetId}&limit=200`)
  expect(res.statusCode).toBe(200)
  return res.json<{ items: AuditEntry[] }>().items.reverse()
}

describe('license lifecycle over HTTP', () => {
  it('issue -> VALID -> suspend -> SUSPENDED -> reinstate -> revoke -> REVOKED, each audited', async () => {
    const { license, token } = await seedLicense(t)
    expect(license.status).toBe('active')
    expect(await validate(t, token)).toMatchObject({
      valid: true,
      code: 'VALID',
      entitlements: ['sso', 'audit'],
    })

    const suspended = await post(
      t,
      `/v1/admin/licenses/${license.id}/suspend`,
      { reason: 'payment overdue' },
      200,
    )
    expect(suspended).toMatchObject({ status: 'suspended', statusReason: 'payment overdue' })
    expect(await validate(t, token)).toMatchObject({
      valid: false,
      code: 'SUSPENDED',
      entitlements: [],
    })

    const reinstated = await t.request('POST', `/v1/admin/licenses/${license.id}/reinstate`)
    expect(reinstated.statusCode).toBe(200)
    expect(reinstated.json()).toMatchObject({ status: 'active', suspendedAt: null })
    expect((await validate(t, token)).code).toBe('VALID')

    await post(t, `/v1/admin/licenses/${license.id}/revoke`, { reason: 'fraud' }, 200)
    const revoked = await validate(t, token)
    expect(revoked).toMatchObject({ valid: false, code: 'REVOKED' })
    expect(revoked.license).toMatchObject({ id: license.id, status: 'revoked' })
    // The reason is vendor-internal: the admin API shows it, the key holder does not see it.
    expect(revoked.license).not.toHaveProperty('statusReason')
    const adminView = await t.request('GET', `/v1/admin/licenses/${license.id}`)
    expect(adminView.json()).toMatchObject({ status: 'revoked', statusReason: 'fraud' })

    const entries = await auditFor(license.id)
    expect(entries.map((e) => e.action)).toEqual([
      'license.issue',
      'license.suspend',
      'license.reinstate',
      'license.revoke',
    ])
    const ownerKeyId = (await t.request('GET', '/v1/admin/api-keys')).json<{ items: Obj[] }>()
      .items[0]!.id
    for (const e of entries) {
      expect(e.actor).toBe(`key:${ownerKeyId}`)
      expect(e.targetType).toBe('license')
      expect(e.requestId).toMatch(/^req_/)
      expect(e.ip).toBeTruthy()
    }
    expect(entries[1]!.before?.status).toBe('active')
    expect(entries[1]!.after?.status).toBe('suspended')
    expect(entries[3]!.before?.status).toBe('active')
    expect(entries[3]!.after?.status).toBe('revoked')
  })

  it('keeps the request id a client sends in the audit entry', async () => {
    const { license } = await seedLicense(t)
    const res = await t.app.inject({
      method: 'POST',
      url: `/v1/admin/licenses/${license.id}/suspend`,
      headers: { authorization: `Bearer ${t.adminKey}`, 'x-request-id': 'trace-abc-123' },
      payload: { reason: 'x' },
    })
    expect(res.headers['x-request-id']).toBe('trace-abc-123')
    const entries = await auditFor(license.id)
    expect(entries.at(-1)).toMatchObject({ action: 'license.suspend', requestId: 'trace-abc-123' })
  })

  it('refuses impossible transitions with INVALID_STATE_TRANSITION', async () => {
    const { license } = await seedLicense(t)
    const reinstate = await t.request('POST', `/v1/admin/licenses/${license.id}/reinstate`, {})
    expect(reinstate.json()).toMatchObject({ code: 'INVALID_STATE_TRANSITION', status: 409 })
    await post(t, `/v1/admin/licenses/${license.id}/revoke`, { reason: 'done' }, 200)
    for (const [action, body] of [
      ['suspend', { reason: 'x' }],
      ['revoke', { reason: 'x' }],
      ['renew', { expiresAt: new Date(Date.now() + 9e9).toISOString() }],
      ['reissue', undefined],
    ] as const) {
      const res = await t.request('POST', `/v1/admin/licenses/${license.id}/${action}`, body)
      expect(res.statusCode, action).toBe(409)
      expect(res.json<{ code: string }>().code).toBe('INVALID_STATE_TRANSITION')
    }
  })

  it('judges expiry by the clock: VALID, EXPIRES_SOON, GRACE_EXPIRED, EXPIRED; renew revives', async () => {
    const start = t.clock.now()
    try {
      const { license, token } = await seedLicense(t, { plan: { durationDays: 30 } })
      expect(new Date(license.expiresAt as string).getTime()).toBe(start.getTime() + 30 * DAY)
      t.clock.advance(20 * DAY)
      const soon = await validate(t, token)
      expect(soon.code).toBe('VALID')
      expect(soon.warnings[0]).toMatch(/^EXPIRES_SOON/)
      t.clock.advance(11 * DAY)
      const grace = await validate(t, token)
      expect(grace).toMatchObject({ valid: true, code: 'GRACE_EXPIRED' })
      t.clock.advance(7 * DAY)
      expect(await validate(t, token)).toMatchObject({ valid: false, code: 'EXPIRED' })

      const renewed = await post<{ license: Obj; token: string }>(
        t,
        `/v1/admin/licenses/${license.id}/renew`,
        { expiresAt: new Date(t.clock.now().getTime() + 365 * DAY).toISOString() },
        200,
      )
      expect(renewed.license.id).toBe(license.id)
      // The stored expiry is authoritative, so the old token validates again too.
      expect((await validate(t, token)).code).toBe('VALID')
      expect((await validate(t, renewed.token)).code).toBe('VALID')
    } finally {
      t.clock.set(start)
    }
  })

  it('re-issues a token with the same license id', async () => {
    const { license, token } = await seedLicense(t)
    // Ed25519 is deterministic: a new token differs through its new issue time.
    t.clock.advance(1000)
    const again = await post<{ license: Obj; token: string }>(
      t,
      `/v1/admin/licenses/${license.id}/reissue`,
      undefined,
      200,
    )
    expect(again.token).not.toBe(token)
    expect(again.license.id).toBe(license.id)
    expect((await validate(t, again.token)).code).toBe('VALID')
    const actions = (await auditFor(license.id)).map((e) => e.action)
    expect(actions).toContain('license.reissue')
  })

  it('applies license overrides over the plan and node-locks to a deployment', async () => {
    const { license, token } = await seedLicense(t, {
      license: {
        entitlements: ['sso'],
        limits: { projects: 3 },
        policy: { maxDeployments: 1 },
        deploymentId: 'dep_abc',
        expiresAt: null,
      },
    })
    expect(license).toMatchObject({
      entitlements: ['sso'],
      limits: { users: 50, projects: 3 },
      policy: { maxDeployments: 1, expiryGraceDays: 7 },
      expiresAt: null,
      deploymentId: 'dep_abc',
    })
    expect((await validate(t, token, 'dep_abc')).code).toBe('VALID')
    expect((await validate(t, token, 'dep_other')).code).toBe('DEPLOYMENT_MISMATCH')
  })

  it('answers INVALID for tampered, truncated and foreign keys, NOT_YET_VALID never for good keys', async () => {
    const { token } = await seedLicense(t)
    const flipped = token.slice(0, 20) + (token[20] === 'A' ? 'B' : 'A') + token.slice(21)
    for (const bad of [flipped, token.slice(0, -3), 'TG1-nonsense-00000000', 'x']) {
      const r = await validate(t, bad)
      expect(r.valid).toBe(false)
      expect(r.code).toBe('INVALID')
      expect(r.license).toBeNull()
    }
  })

  it('lists licenses with filters and cursor pagination', async () => {
    const { customer, plan } = await seedLicense(t)
    for (let i = 0; i < 4; i++)
      await post(t, '/v1/admin/licenses', { customerId: customer.id, planId: plan.id })
    const seen: string[] = []
    let cursor: string | null = null
    do {
      const url: string = `/v1/admin/licenses?customerId=${customer.id}&limit=2${cursor ? `&cursor=${cursor}` : ''}`
      const page: { items: (Obj & { customerId: string })[]; nextCursor: string | null } = (
        await t.request('GET', url)
      ).json<{ items: (Obj & { customerId: string })[]; nextCursor: string | null }>()
      expect(page.items.length).toBeLessThanOrEqual(2)
      for (const l of page.items) expect(l.customerId).toBe(customer.id)
      seen.push(...page.items.map((l) => l.id))
      cursor = page.nextCursor
    } while (cursor)
    expect(seen).toHaveLength(5)
    expect(new Set(seen).size).toBe(5)
    expect([...seen].sort().reverse()).toEqual(seen)
    const suspendedOnly = (
      await t.request('GET', `/v1/admin/licenses?status=suspended&planId=${plan.id}`)
    ).json<{ items: Obj[] }>()
    expect(suspendedOnly.items).toEqual([])
    const bad = await t.request('GET', '/v1/admin/licenses?cursor=bm9wZQ')
    expect(bad.json()).toMatchObject({ code: 'INVALID_CURSOR', status: 400 })
  })

  it('customers and plans: CRUD with conflicts and in-use protection', async () => {
    const { customer, plan } = await seedLicense(t)
    const patched = await t.request('PATCH', `/v1/admin/customers/${customer.id}`, {
      name: 'Acme 2',
      metadata: { crm: 42 },
    })
    expect(patched.json()).toMatchObject({
      name: 'Acme 2',
      metadata: { crm: 42 },
      email: 'it@acme.test',
    })
    expect(
      (await t.request('DELETE', `/v1/admin/customers/${customer.id}`)).json<{ code: string }>()
        .code,
    ).toBe('CUSTOMER_HAS_LICENSES')
    expect(
      (await t.request('DELETE', `/v1/admin/plans/${plan.id}`)).json<{ code: string }>().code,
    ).toBe('PLAN_IN_USE')
    const lone = await post(t, '/v1/admin/customers', { name: 'Lone', externalId: 'ext-1' })
    const dup = await t.request('POST', '/v1/admin/customers', { name: 'Dup', externalId: 'ext-1' })
    expect(dup.json()).toMatchObject({ code: 'CONFLICT', status: 409 })
    expect((await t.request('DELETE', `/v1/admin/customers/${lone.id}`)).statusCode).toBe(204)
    expect(
      (await t.request('GET', `/v1/admin/customers/${lone.id}`)).json<{ code: string }>().code,
    ).toBe('NOT_FOUND')
    const actions = (await t.request('GET', `/v1/admin/audit?targetId=${lone.id}`)).json<{
      items: AuditEntry[]
    }>()
    expect(actions.items.map((e) => e.action)).toEqual(['customer.delete', 'customer.create'])
  })
})
