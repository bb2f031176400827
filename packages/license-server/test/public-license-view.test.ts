// Key holders get a customer-facing license view (issue 20): vendor-internal fields (status
// reasons, metadata such as Stripe ids, internal ids) only on the admin API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seedLicense, type Obj } from './helpers/fixtures.js'
import { createTestApp, type TestApp } from './helpers/test-app.js'
import { publicPost } from './fleet-support.js'

let t: TestApp
let seeded: Awaited<ReturnType<typeof seedLicense>>
beforeAll(async () => {
  t = await createTestApp()
  seeded = await seedLicense(t, {
    license: { metadata: { stripeSubscriptionId: 'sub_1QSECRET', note: 'INTERNAL: watch' } },
  })
  const res = await t.request('POST', `/v1/admin/licenses/${seeded.license.id}/suspend`, {
    reason: 'INTERNAL: suspected fraud',
  })
  expect(res.statusCode, res.body).toBe(200)
})
afterAll(() => t.close())

const PUBLIC_FIELDS = [
  'deploymentId',
  'entitlements',
  'expiresAt',
  'id',
  'issuedAt',
  'limits',
  'policy',
  'product',
  'revokedAt',
  'status',
  'suspendedAt',
  'tier',
]

function expectPublic(license: Obj | null, where: string): void {
  expect(license, where).not.toBeNull()
  expect(Object.keys(license!).sort(), where).toEqual(PUBLIC_FIELDS)
  const text = JSON.stringify(license)
  expect(text, where).not.toContain('INTERNAL')
  expect(text, where).not.toContain('sub_1QSECRET')
}

describe('customer-facing license view', () => {
  it('validate shows no status reason, metadata or internal ids', async () => {
    const res = await publicPost(t.app, '/v1/licenses/validate', { key: seeded.token })
    expect(res.statusCode).toBe(200)
    const body = res.json<{ code: string; license: Obj | null }>()
    expect(body.code).toBe('SUSPENDED')
    expectPublic(body.license, 'validate')
    expect(res.body).not.toContain('INTERNAL')
  })

  it('activate and heartbeat answers show the same view', async () => {
    const activate = await publicPost(t.app, '/v1/deployments/activate', {
      key: seeded.token,
      deploymentId: 'view-1',
    })
    expect(activate.statusCode, activate.body).toBe(200)
    expectPublic(activate.json<{ license: Obj }>().license, 'activate')
    const hb = await publicPost(t.app, '/v1/deployments/heartbeat', {
      key: seeded.token,
      deploymentId: 'view-1',
    })
    expect(hb.statusCode, hb.body).toBe(200)
    expect(hb.body).not.toContain('INTERNAL')
    expect(hb.body).not.toContain('sub_1QSECRET')
  })

  it('the admin API still shows every field', async () => {
    const res = await t.request('GET', `/v1/admin/licenses/${seeded.license.id}`)
    expect(res.json()).toMatchObject({
      statusReason: 'INTERNAL: suspected fraud',
      metadata: { stripeSubscriptionId: 'sub_1QSECRET' },
    })
  })
})
