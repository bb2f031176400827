import { verifyLicense, type Jwks } from '@tollgate/license-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { findCustomerLicense, listCustomerLicenses } from '../src/portal/customer-licenses.js'
import { revealLicenseKey } from '../src/portal/reveal-license-key.js'
import { usageByMonth } from '../src/usage/usage-by-month.js'
import { chartGeometry } from '../src/web/chart-geometry.js'
import { DAY, createClock } from './helpers/clock.js'
import { createTestApp, type TestApp } from './helpers/test-app.js'
import { TEST_DB_KIND } from './helpers/test-db.js'
import { activate, seedPortalCustomer, type PortalCustomer } from './portal-support.js'

let t: TestApp
let acme: PortalCustomer
let globex: PortalCustomer

beforeAll(async () => {
  t = await createTestApp({ clock: createClock(new Date('2026-11-15T12:00:00Z')) })
  acme = await seedPortalCustomer(t, 'buyer@acme.test')
  globex = await seedPortalCustomer(t, 'boss@globex.test')
})
afterAll(() => t.close())

describe(`portal read models (${TEST_DB_KIND})`, () => {
  it("lists only the customer's own licenses with plan, state and seats", async () => {
    await activate(t, acme.token, 'm1')
    const mine = await listCustomerLicenses(t.db, t.tenantId, acme.customer.id, t.clock.now())
    expect(mine.map((l) => l.row.id)).toEqual([acme.license.id])
    expect(mine[0]).toMatchObject({
      planName: 'Pro',
      state: 'active',
      seatsUsed: 1,
      renewsAt: null,
    })
    await expect(
      findCustomerLicense(t.db, t.tenantId, acme.customer.id, globex.license.id, t.clock.now()),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' })
    await expect(
      findCustomerLicense(t.db, t.tenantId, acme.customer.id, "lic_' or 1=1", t.clock.now()),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' })
  })

  it('shows grace after expiry within expiryGraceDays, then expired', async () => {
    const at = (days: number) => new Date(t.clock.now().getTime() + days * DAY)
    const one = async (now: Date) =>
      (await findCustomerLicense(t.db, t.tenantId, acme.customer.id, acme.license.id, now)).state
    expect(await one(at(366))).toBe('grace')
    expect(await one(at(365 + 8))).toBe('expired')
  })

  it('reveals a key that verifies offline against the JWKS, audited with the person', async () => {
    const { token } = await revealLicenseKey(
      t.db,
      t.app.tollgate,
      acme.principal,
      acme.license.id,
      {
        via: 'download',
        now: t.clock.now(),
      },
    )
    const jwks = (await t.app.inject({ url: '/.well-known/jwks.json' })).json<Jwks>()
    const verified = verifyLicense(token, jwks, { now: t.clock.now() })
    expect(verified.claims.jti).toBe(acme.license.id)
    const audit = await t.db
      .selectFrom('audit_log')
      .select(['actor', 'action'])
      .where('action', '=', 'license.key_reveal')
      .execute()
    expect(audit).toEqual([
      { actor: `portal:${acme.principal.userId}`, action: 'license.key_reveal' },
    ])
    await expect(
      revealLicenseKey(t.db, t.app.tollgate, acme.principal, globex.license.id, {
        via: 'copy',
        now: t.clock.now(),
      }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' })
  })

  it('sums usage per metric per month with the limit, zero-filled', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/usage',
      payload: {
        key: acme.token,
        deploymentId: 'm1',
        batchId: 'b1',
        counters: [
          { metric: 'users', amount: 10, period: '2026-11-01' },
          { metric: 'users', amount: 5, period: '2026-11-14' },
          { metric: 'users', amount: 7, period: '2026-10-03' },
          { metric: 'api.calls', amount: 1000, period: '2026-11-02' },
        ],
      },
    })
    expect(res.statusCode, res.body).toBe(200)
    const usage = await usageByMonth(t.db, t.tenantId, acme.license as never, {
      now: t.clock.now(),
      months: 3,
    })
    expect(usage).toEqual([
      {
        metric: 'api.calls',
        limit: null,
        months: [
          { month: '2026-09', amount: 0 },
          { month: '2026-10', amount: 0 },
          { month: '2026-11', amount: 1000 },
        ],
      },
      {
        metric: 'users',
        limit: 50,
        months: [
          { month: '2026-09', amount: 0 },
          { month: '2026-10', amount: 7 },
          { month: '2026-11', amount: 15 },
        ],
      },
    ])
    const g = chartGeometry(usage[1]!, { width: 300, height: 128 })
    expect(g.max).toBe(50)
    expect(g.bars).toHaveLength(3)
    expect(g.bars[0]!.height).toBe(0)
    expect(g.bars[2]!.height).toBeGreaterThan(g.bars[1]!.height)
    expect(g.limitY).toBe(8)
    const other = await usageByMonth(t.db, t.tenantId, globex.license as never, {
      now: t.clock.now(),
      months: 3,
    })
    expect(other).toEqual([])
  })
})
