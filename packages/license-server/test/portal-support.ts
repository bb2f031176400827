import { expect } from 'vitest'
import type { TestApp } from './helpers/test-app.js'
import { post, seedLicense, type Obj } from './helpers/fixtures.js'
import type { PortalPrincipal } from '../src/portal/portal-actor.js'

/** A customer with a license (plan with 2 seats) and a portal admin. */
export interface PortalCustomer {
  customer: Obj
  plan: Obj
  license: Obj
  token: string
  email: string
  principal: Extract<PortalPrincipal, { kind: 'user' }>
}

/** Seeds a customer whose buyer email is `email`, with a license and a signed-in admin. */
export async function seedPortalCustomer(
  t: TestApp,
  email: string,
  opts: {
    key?: string
    tenantId?: string
    maxDeployments?: number
    /** Heartbeat interval of the plan (default 3600 s); real clients back off up to it. */
    heartbeatIntervalS?: number
  } = {},
): Promise<PortalCustomer> {
  const seeded = await seedLicense(t, {
    ...(opts.key ? { key: opts.key } : {}),
    plan: {
      policy: {
        expiryGraceDays: 7,
        offlineGraceDays: 30,
        heartbeatIntervalS: opts.heartbeatIntervalS ?? 3600,
        maxDeployments: opts.maxDeployments ?? 2,
      },
    },
  })
  const customer = await patchEmail(t, seeded.customer.id, email, opts.key)
  const user = await post<{ id: string }>(
    t,
    `/v1/admin/customers/${customer.id}/portal-users`,
    { email, role: 'admin' },
    201,
    opts.key,
  )
  return {
    ...seeded,
    customer,
    email,
    principal: {
      kind: 'user',
      tenantId: opts.tenantId ?? t.tenantId,
      customerId: customer.id,
      userId: user.id,
      email,
      role: 'admin',
    },
  }
}

async function patchEmail(t: TestApp, id: string, email: string, key?: string): Promise<Obj> {
  const res = await t.request('PATCH', `/v1/admin/customers/${id}`, { email }, key)
  expect(res.statusCode, res.body).toBe(200)
  return res.json<Obj>()
}

/** Activates a deployment of `token`; returns its server id (`dep_...`) or the error code. */
export async function activate(
  t: TestApp,
  token: string,
  deploymentId: string,
): Promise<{ id?: string; code: string; status: number }> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/v1/deployments/activate',
    payload: { key: token, deploymentId, fingerprint: { hostname: `${deploymentId}.local` } },
  })
  const body = res.json<{ code: string; deployment?: { id: string } | null }>()
  return { id: body.deployment?.id, code: body.code, status: res.statusCode }
}

/** The newest sign-in code emailed to `email` (read from the outbox before delivery). */
export async function latestCode(t: TestApp, email: string): Promise<string | undefined> {
  const row = await t.db
    .selectFrom('outbox_messages')
    .select('body')
    .where('recipient', '=', email)
    .where('kind', '=', 'portal.login_code')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst()
  return row?.body ? /^\s+([0-9]{6})$/m.exec(row.body)?.[1] : undefined
}
