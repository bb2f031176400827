import { afterAll, beforeAll, expect, it } from 'vitest'
import { customerCreate, licenseIssue, run } from '@tollgate/cli'
import { testContext, type TestContext } from './helpers/context.js'
import { startServer, type RunningServer } from './helpers/server.js'

// Floating-seat commands against the real server: a plan made with the floating flags, seats
// checked out through the public API as the SDK does, then listed and released by an admin.
let server: RunningServer
let t: TestContext

type Obj = Record<string, unknown>

async function checkout(key: string, scope: string): Promise<Obj> {
  const res = await fetch(`${server.url}/v1/seats/checkout`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ key, scope }),
  })
  expect(res.status, await res.clone().text()).toBe(200)
  return (await res.json()) as Obj
}

async function json(args: string[]): Promise<Obj> {
  const c = testContext({ env: { ...t.ctx.env } })
  try {
    expect(await run([...args, '--json'], c.ctx), c.stderr()).toBe(0)
    return JSON.parse(c.stdout()) as Obj
  } finally {
    c.cleanup()
  }
}

beforeAll(async () => {
  server = await startServer()
  t = testContext({ env: { TOLLGATE_URL: server.url, TOLLGATE_API_KEY: server.adminKey } })
})
afterAll(async () => {
  await server?.close()
  t?.cleanup()
})

it('creates a floating plan, lists and releases held seats (--json and table)', async () => {
  const plan = await json([
    'plan',
    'create',
    '--name',
    'Floating',
    '--product',
    'app',
    '--tier',
    'team',
    '--duration-days',
    '365',
    '--floating-seats',
    '2',
    '--lease-ttl',
    '120',
    '--overage',
    'allow_1_5x',
  ])
  expect(plan.policy).toMatchObject({
    floating: { seats: 2, leaseTtlS: 120, overage: 'allow_1_5x' },
  })
  const customer = (await customerCreate({ name: 'Seat Co' }, t.ctx)).data as { id: string }
  const issued = (await licenseIssue({ customer: customer.id, plan: plan.id as string }, t.ctx))
    .data as { license: { id: string }; token: string }
  const lic = issued.license.id
  const a = await checkout(issued.token, 'user:alice')
  await checkout(issued.token, 'user:bob')
  const list = await json(['seat', 'list', lic])
  expect(list.seats).toEqual({ used: 2, seats: 2, limit: 3, pooled: 0, online: 2 })
  expect(list.pools).toEqual([])
  expect((list.data as Obj[]).map((s) => s.scope)).toEqual(['user:alice', 'user:bob'])

  const table = testContext({ env: { ...t.ctx.env } })
  expect(await run(['seat', 'list', lic], table.ctx)).toBe(0)
  expect(table.stdout()).toContain('2 of 2 floating seats in use (overage allowed up to 3).')
  expect(table.stdout()).toMatch(/LEASE\s+SCOPE/)
  table.cleanup()

  // Destructive: refused without --yes when there is no terminal.
  expect(await run(['seat', 'release', lic, a.leaseId as string], t.ctx)).toBe(2)
  const released = await json(['seat', 'release', lic, a.leaseId as string, '--yes'])
  expect(released).toMatchObject({ id: a.leaseId, scope: 'user:alice' })
  expect(((await json(['seat', 'list', lic])).seats as Obj).used).toBe(1)
  // Unknown lease: a typed failure, not a crash.
  const c = testContext({ env: { ...t.ctx.env } })
  expect(await run(['seat', 'release', lic, a.leaseId as string, '--yes'], c.ctx)).not.toBe(0)
  expect(c.stderr()).toContain('SEAT_LEASE_NOT_FOUND')
  c.cleanup()
})
