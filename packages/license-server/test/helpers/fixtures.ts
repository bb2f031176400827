import { expect } from 'vitest'
import type { TestApp } from './test-app.js'

/** A policy for test plans. */
export const POLICY = {
  expiryGraceDays: 7,
  offlineGraceDays: 30,
  heartbeatIntervalS: 3600,
  maxDeployments: 3,
}

/** Minimal JSON objects the tests read back. */
export interface Obj {
  id: string
  [k: string]: unknown
}

/** POSTs and expects a status; returns the JSON. */
export async function post<T = Obj>(
  t: TestApp,
  url: string,
  body: unknown,
  status = 201,
  key?: string,
): Promise<T> {
  const res = await t.request('POST', url, body, key)
  expect(res.statusCode, `${url}: ${res.body}`).toBe(status)
  return res.json<T>()
}

/** Creates a customer, a plan and a license; returns them with the token. */
export async function seedLicense(
  t: TestApp,
  opts: { key?: string; plan?: Record<string, unknown>; license?: Record<string, unknown> } = {},
): Promise<{ customer: Obj; plan: Obj; license: Obj & { status: string }; token: string }> {
  const customer = await post(
    t,
    '/v1/admin/customers',
    { name: 'Acme Corp', email: 'it@acme.test' },
    201,
    opts.key,
  )
  const plan = await post(
    t,
    '/v1/admin/plans',
    {
      name: 'Pro',
      product: 'acme-app',
      tier: 'pro',
      entitlements: ['sso', 'audit'],
      limits: { users: 50 },
      policy: POLICY,
      durationDays: 365,
      ...opts.plan,
    },
    201,
    opts.key,
  )
  const { license, token } = await post<{ license: Obj & { status: string }; token: string }>(
    t,
    '/v1/admin/licenses',
    { customerId: customer.id, planId: plan.id, ...opts.license },
    201,
    opts.key,
  )
  return { customer, plan, license, token }
}

/** Validates a key over HTTP; returns the JSON answer. */
export async function validate(
  t: TestApp,
  key: string,
  deploymentId?: string,
): Promise<{
  valid: boolean
  code: string
  warnings: string[]
  license: Obj | null
  entitlements: string[]
}> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/v1/licenses/validate',
    payload: deploymentId ? { key, deploymentId } : { key },
  })
  expect(res.statusCode, res.body).toBe(200)
  return res.json()
}
