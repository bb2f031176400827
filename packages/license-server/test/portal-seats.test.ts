import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AppError } from '../src/errors/app-error.js'
import { freeSeat } from '../src/portal/free-seat.js'
import type { PortalPrincipal } from '../src/portal/portal-actor.js'
import { DAY } from './helpers/clock.js'
import { createTestApp, type TestApp } from './helpers/test-app.js'
import { TEST_DB_KIND } from './helpers/test-db.js'
import { activate, seedPortalCustomer, type PortalCustomer } from './portal-support.js'

let t: TestApp
let acme: PortalCustomer
let globex: PortalCustomer
const HOUR = 3_600_000

beforeAll(async () => {
  t = await createTestApp()
  acme = await seedPortalCustomer(t, 'buyer@acme.test')
  globex = await seedPortalCustomer(t, 'boss@globex.test')
})
afterAll(() => t.close())

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p
    return 'ok'
  } catch (err) {
    if (err instanceof AppError) return err.code
    throw err
  }
}

const free = (principal: PortalPrincipal, id: string) =>
  freeSeat(t.db, principal, id, { now: t.clock.now(), ip: '127.0.0.9', requestId: 'req_x' })

describe(`portal: free a seat (${TEST_DB_KIND})`, () => {
  it('frees a seat so a second machine can activate, audited with the person as actor', async () => {
    const a = await activate(t, acme.token, 'machine-a')
    await activate(t, acme.token, 'machine-b')
    expect((await activate(t, acme.token, 'machine-c')).code).toBe('TOO_MANY_DEPLOYMENTS')
    const r = await free(acme.principal, a.id!)
    expect(r.deactivated).toBe(true)
    expect(r.deployment).toMatchObject({ status: 'inactive', deactivated_reason: 'customer' })
    expect((await activate(t, acme.token, 'machine-c')).status).toBe(200)
    const audit = await t.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'deployment.deactivate')
      .where('target_id', '=', a.id!)
      .executeTakeFirstOrThrow()
    expect(audit).toMatchObject({
      actor: `portal:${acme.principal.userId}`,
      ip: '127.0.0.9',
      request_id: 'req_x',
    })
  })

  it('refuses a second reset within the cooldown, then counts resets against the window', async () => {
    const list = await t.db
      .selectFrom('deployments')
      .select(['id', 'install_id'])
      .where('license_id', '=', acme.license.id)
      .where('status', '=', 'active')
      .execute()
    const b = list.find((d) => d.install_id === 'machine-b')!
    expect(await codeOf(free(acme.principal, b.id))).toBe('SEAT_RESET_COOLDOWN')
    // Nothing half-written: still active, no reset recorded.
    const still = await t.db
      .selectFrom('deployments')
      .select('status')
      .where('id', '=', b.id)
      .executeTakeFirstOrThrow()
    expect(still.status).toBe('active')
    t.clock.advance(HOUR + 1000)
    expect((await free(acme.principal, b.id)).deactivated).toBe(true)
    const d = await activate(t, acme.token, 'machine-d')
    t.clock.advance(HOUR + 1000)
    expect((await free(acme.principal, d.id!)).deactivated).toBe(true)
    // Default policy: 3 per 30 days. The fourth is refused even after the cooldown.
    const e = await activate(t, acme.token, 'machine-e')
    t.clock.advance(HOUR + 1000)
    const refused = free(acme.principal, e.id!)
    await expect(refused).rejects.toMatchObject({ code: 'SEAT_RESET_LIMIT_REACHED' })
    // The oldest reset leaves the 30-day window: one more is allowed.
    t.clock.advance(30 * DAY)
    expect((await free(acme.principal, e.id!)).deactivated).toBe(true)
  })

  it('applies the plan policy the vendor set, and 0 disables self-service resets', async () => {
    const put = await t.request('PUT', `/v1/admin/plans/${globex.plan.id}/seat-reset-policy`, {
      maxResets: 0,
      windowDays: 30,
      cooldownHours: 0,
    })
    expect(put.statusCode, put.body).toBe(200)
    const g = await activate(t, globex.token, 'g-1')
    expect(await codeOf(free(globex.principal, g.id!))).toBe('SEAT_RESET_LIMIT_REACHED')
    await t.request('PUT', `/v1/admin/plans/${globex.plan.id}/seat-reset-policy`, {
      maxResets: 1,
      windowDays: 7,
      cooldownHours: 0,
    })
    expect((await free(globex.principal, g.id!)).deactivated).toBe(true)
  })

  it("another customer's deployment is NOT_FOUND and stays untouched", async () => {
    const g = await activate(t, globex.token, 'g-2')
    expect(await codeOf(free(acme.principal, g.id!))).toBe('NOT_FOUND')
    expect(await codeOf(free(acme.principal, 'dep_doesnotexist'))).toBe('NOT_FOUND')
    const row = await t.db
      .selectFrom('deployments')
      .select('status')
      .where('id', '=', g.id!)
      .executeTakeFirstOrThrow()
    expect(row.status).toBe('active')
  })

  it('a support session and an inactive seat change nothing', async () => {
    const support: PortalPrincipal = {
      kind: 'support',
      tenantId: t.tenantId,
      customerId: globex.customer.id,
      linkId: 'psl_x',
      createdBy: 'key:x',
    }
    const g = await t.db
      .selectFrom('deployments')
      .select('id')
      .where('install_id', '=', 'g-2')
      .executeTakeFirstOrThrow()
    expect(await codeOf(free(support, g.id))).toBe('PORTAL_READ_ONLY')
    const inactive = await t.db
      .selectFrom('deployments')
      .select('id')
      .where('install_id', '=', 'g-1')
      .executeTakeFirstOrThrow()
    expect((await free(globex.principal, inactive.id)).deactivated).toBe(false)
  })

  it('concurrent resets of one license never exceed the limit', async () => {
    await t.request('PUT', `/v1/admin/plans/${globex.plan.id}/seat-reset-policy`, {
      maxResets: 1,
      windowDays: 365,
      cooldownHours: 0,
    })
    await t.db
      .deleteFrom('portal_seat_resets')
      .where('license_id', '=', globex.license.id)
      .execute()
    await t.db
      .updateTable('deployments')
      .set({ status: 'inactive' })
      .where('license_id', '=', globex.license.id)
      .execute()
    const x = await activate(t, globex.token, 'g-x')
    const y = await activate(t, globex.token, 'g-y')
    expect([x.status, y.status]).toEqual([200, 200])
    const results = await Promise.all(
      [x.id!, y.id!].map((id) => codeOf(free(globex.principal, id))),
    )
    expect(results.sort()).toEqual(['SEAT_RESET_LIMIT_REACHED', 'ok'])
  })
})
