import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DAY } from './helpers/clock.js'
import { post, type Obj } from './helpers/fixtures.js'
import { startInstance } from './helpers/second-instance.js'
import { createTestApp, type TestApp } from './helpers/test-app.js'

let t: TestApp
let customerId: string
let planId: string
beforeAll(async () => {
  t = await createTestApp()
  customerId = (await post(t, '/v1/admin/customers', { name: 'Idem' })).id
  planId = (
    await post(t, '/v1/admin/plans', {
      name: 'P',
      product: 'app',
      tier: 'pro',
      entitlements: [],
      policy: {
        expiryGraceDays: 0,
        offlineGraceDays: 1,
        heartbeatIntervalS: 60,
        maxDeployments: 1,
      },
    })
  ).id
})
afterAll(() => t.close())

function issue(key: string | undefined, body: Record<string, unknown>, app = t.app) {
  return app.inject({
    method: 'POST',
    url: '/v1/admin/licenses',
    headers: {
      authorization: `Bearer ${t.adminKey}`,
      ...(key === undefined ? {} : { 'idempotency-key': key }),
    },
    payload: body,
  })
}

async function licenseCount(): Promise<number> {
  const r = await t.db
    .selectFrom('licenses')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('customer_id', '=', customerId)
    .executeTakeFirstOrThrow()
  return Number(r.n)
}

describe('Idempotency-Key on admin POSTs', () => {
  it('same key and body: the first answer, no second effect; another body: 409', async () => {
    const before = await licenseCount()
    const first = await issue('row-1', { customerId, planId })
    expect(first.statusCode).toBe(201)
    const again = await issue('row-1', { planId, customerId })
    expect(again.statusCode).toBe(201)
    expect(again.headers['idempotent-replayed']).toBe('true')
    expect(again.json<{ license: Obj }>().license.id).toBe(
      first.json<{ license: Obj }>().license.id,
    )
    expect(again.json<{ token: string }>().token).toBe(first.json<{ token: string }>().token)
    expect(await licenseCount()).toBe(before + 1)

    const other = await issue('row-1', { customerId, planId, metadata: { x: 1 } })
    expect(other.json()).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', status: 409 })
    expect(await licenseCount()).toBe(before + 1)
    // Without a key nothing changes: every POST is new.
    await issue(undefined, { customerId, planId })
    await issue(undefined, { customerId, planId })
    expect(await licenseCount()).toBe(before + 3)
  })

  it('concurrent identical requests (two instances): one effect, the same answer', async () => {
    const other = await startInstance(t)
    try {
      const before = await licenseCount()
      const answers = await Promise.all([
        issue('burst', { customerId, planId }),
        issue('burst', { customerId, planId }, other.app),
        issue('burst', { customerId, planId }),
        issue('burst', { customerId, planId }, other.app),
      ])
      expect(answers.map((a) => a.statusCode)).toEqual([201, 201, 201, 201])
      expect(new Set(answers.map((a) => a.json<{ license: Obj }>().license.id)).size).toBe(1)
      expect(await licenseCount()).toBe(before + 1)
    } finally {
      await other.close()
    }
  })

  it('replays a 404, frees the key after a 403, refuses bad keys, forgets keys after 24 h', async () => {
    const nf = await issue('missing', { customerId: 'cus_0000000000000000000000', planId })
    expect(nf.statusCode).toBe(404)
    expect(
      (await issue('missing', { customerId: 'cus_0000000000000000000000', planId })).headers[
        'idempotent-replayed'
      ],
    ).toBe('true')

    const bad = await t.app.inject({
      method: 'POST',
      url: '/v1/admin/licenses',
      headers: { authorization: `Bearer ${t.adminKey}`, 'idempotency-key': 'a b' },
      payload: { customerId, planId },
    })
    expect(bad.json()).toMatchObject({ code: 'INVALID_IDEMPOTENCY_KEY', status: 400 })

    // A refusal (403: missing scope) had no effect and is not kept: the key still works.
    const { secret: readOnly } = await post<{ secret: string }>(t, '/v1/admin/api-keys', {
      name: 'read only',
      scopes: ['licenses:read'],
    })
    const denied = await t.app.inject({
      method: 'POST',
      url: '/v1/admin/licenses',
      headers: { authorization: `Bearer ${readOnly}`, 'idempotency-key': 'scoped' },
      payload: { customerId, planId },
    })
    expect(denied.statusCode).toBe(403)
    const allowed = await issue('scoped', { customerId, planId })
    expect(allowed.statusCode).toBe(201)
    expect(allowed.headers['idempotent-replayed']).toBeUndefined()

    const before = await licenseCount()
    await issue('day-old', { customerId, planId })
    t.clock.advance(DAY + 1000)
    const later = await issue('day-old', { customerId, planId, metadata: { y: 2 } })
    expect(later.statusCode).toBe(201)
    expect(await licenseCount()).toBe(before + 2)
  })

  it('works on every admin POST (customers too), per tenant', async () => {
    const other = await t.addTenant()
    const make = (key: string) =>
      t.app.inject({
        method: 'POST',
        url: '/v1/admin/customers',
        headers: { authorization: `Bearer ${key}`, 'idempotency-key': 'cust-1' },
        payload: { name: 'Same' },
      })
    const a = await make(t.adminKey)
    const b = await make(t.adminKey)
    const c = await make(other.adminKey)
    expect(b.json<Obj>().id).toBe(a.json<Obj>().id)
    expect(c.json<Obj>().id).not.toBe(a.json<Obj>().id)
  })
})
