import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  customerCreate,
  deploymentDeactivate,
  deploymentList,
  licenseIssue,
  planCreate,
  run,
  usageShow,
  violationList,
} from '@tollgate/cli'
import { testContext, type TestContext } from './helpers/context.js'
import { startServer, type RunningServer } from './helpers/server.js'

// Fleet commands against the real server: the client side (activate, usage, violations) goes
// through the public API exactly as the license client would send it.
let server: RunningServer
let t: TestContext
let licenseId: string
let token: string

type Obj = Record<string, unknown>
const data = <T = Obj>(r: { data: unknown }): T => r.data as T

async function publicPost(path: string, body: unknown): Promise<Obj> {
  const res = await fetch(server.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  expect(res.status, `${path}: ${await res.clone().text()}`).toBeLessThan(300)
  return (await res.json()) as Obj
}

beforeAll(async () => {
  server = await startServer()
  t = testContext({ env: { TOLLGATE_URL: server.url, TOLLGATE_API_KEY: server.adminKey } })
  const customer = data<{ id: string }>(await customerCreate({ name: 'Fleet Co' }, t.ctx))
  const plan = data<{ id: string }>(
    await planCreate(
      { name: 'Team', product: 'app', tier: 'team', maxDeployments: 3, durationDays: 365 },
      t.ctx,
    ),
  )
  const issued = data<{ license: { id: string }; token: string }>(
    await licenseIssue({ customer: customer.id, plan: plan.id }, t.ctx),
  )
  licenseId = issued.license.id
  token = issued.token
  await publicPost('/v1/deployments/activate', {
    key: token,
    deploymentId: 'host-a',
    appVersion: '1.2.3',
  })
  await publicPost('/v1/deployments/activate', { key: token, deploymentId: 'host-b' })
  const today = new Date().toISOString().slice(0, 10)
  await publicPost('/v1/usage', {
    key: token,
    deploymentId: 'host-a',
    batchId: 'b1',
    counters: [{ metric: 'projects', amount: 4, period: today }],
  })
  await publicPost('/v1/violations', {
    key: token,
    deploymentId: 'host-b',
    kind: 'clock_tampered',
    severity: 'high',
  })
})
afterAll(async () => {
  await server?.close()
  t?.cleanup()
})

describe('fleet commands', () => {
  it('lists deployments and deactivates one', async () => {
    const page = data<{ items: Obj[] }>(await deploymentList({ license: licenseId }, t.ctx))
    expect(page.items.map((d) => d.deploymentId).sort()).toEqual(['host-a', 'host-b'])
    const a = page.items.find((d) => d.deploymentId === 'host-a')!
    expect(a).toMatchObject({ status: 'active', appVersion: '1.2.3' })
    await deploymentDeactivate({ id: a.id as string, yes: true }, t.ctx)
    const after = data<{ items: Obj[] }>(await deploymentList({ license: licenseId }, t.ctx))
    expect(after.items.find((d) => d.id === a.id)).toMatchObject({ status: 'inactive' })
    // Without --yes and no terminal it refuses.
    expect(await run(['deployment', 'deactivate', a.id as string], t.ctx)).toBe(2)
  })

  it('shows usage per metric and day, as a table and as JSON', async () => {
    const usage = data<{ items: Obj[] }>(
      await usageShow({ license: licenseId, metric: 'projects' }, t.ctx),
    )
    expect(usage.items).toEqual([
      { metric: 'projects', day: new Date().toISOString().slice(0, 10), amount: 4 },
    ])
    const c = testContext({ env: { ...t.ctx.env } })
    expect(await run(['usage', 'show', '--license', licenseId], c.ctx)).toBe(0)
    expect(c.stdout()).toMatch(/^METRIC\s+DAY\s+AMOUNT\nprojects\s+\d{4}-\d{2}-\d{2}\s+4\n$/)
    expect(await run(['usage', 'show', '--license', licenseId, '--from', 'yesterday'], c.ctx)).toBe(
      2,
    )
    c.cleanup()
  })

  it('lists violations, filtered by license and kind', async () => {
    const all = data<{ items: Obj[] }>(await violationList({ license: licenseId }, t.ctx))
    expect(all.items).toHaveLength(1)
    expect(all.items[0]).toMatchObject({ licenseId, kind: 'clock_tampered', severity: 'high' })
    const none = data<{ items: Obj[] }>(
      await violationList({ license: licenseId, kind: 'key_sharing' }, t.ctx),
    )
    expect(none.items).toEqual([])
  })
})
