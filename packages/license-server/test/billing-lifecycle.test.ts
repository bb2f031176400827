import { decodeLicense } from '@tollgate/license-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DAY } from './helpers/clock.js'
import { TEST_DB_KIND } from './helpers/test-db.js'
import { createTestApp, type TestApp } from './helpers/test-app.js'
import {
  billingConfig,
  checkoutSession,
  createPlan,
  DAY_S,
  deliver,
  event,
  invoice,
  sid,
  subscription,
  unix,
} from './billing-fixtures.js'

let t: TestApp
let pro: string
let team: string
let lapsing: string
beforeAll(async () => {
  t = await createTestApp({ config: { billing: billingConfig() } })
  pro = await createPlan(t, {
    tier: 'pro',
    price: 'price_pro',
    entitlements: ['sso'],
    limits: { users: 10 },
    graceDays: 3,
  })
  team = await createPlan(t, {
    tier: 'team',
    price: 'price_team',
    entitlements: ['sso', 'audit', 'scim'],
    limits: { users: 100 },
    graceDays: 3,
  })
  lapsing = await createPlan(t, {
    tier: 'lapsing',
    price: 'price_lapsing',
    entitlements: ['basic'],
    limits: { users: 5 },
    cancelBehavior: 'expire_at_period_end',
  })
})
afterAll(() => t.close())

/** A bought subscription: checkout completed + first invoice paid; returns handles. */
async function buy(price = 'price_pro', planId = pro) {
  const sub = sid('sub')
  const cus = sid('cus')
  const now = unix(t)
  const periodEnd = now + 30 * DAY_S
  expect(
    (
      await deliver(
        t,
        event(
          'checkout.session.completed',
          checkoutSession({
            subscription: sub,
            customer: cus,
            email: `${sub}@acme.test`,
            planId,
            created: now,
          }),
          now,
        ),
      )
    ).statusCode,
  ).toBe(200)
  expect(
    (
      await deliver(
        t,
        event(
          'invoice.paid',
          invoice({
            subscription: sub,
            customer: cus,
            price,
            status: 'paid',
            periodStart: now,
            periodEnd,
            created: now,
          }),
          now,
        ),
      )
    ).statusCode,
  ).toBe(200)
  const license = await licenseOf(sub)
  return { sub, cus, price, periodStart: now, periodEnd, licenseId: license.id }
}

async function licenseOf(sub: string) {
  const row = await t.db
    .selectFrom('billing_subscriptions')
    .select('license_id')
    .where('stripe_subscription_id', '=', sub)
    .executeTakeFirstOrThrow()
  return t.db
    .selectFrom('licenses')
    .selectAll()
    .where('id', '=', row.license_id!)
    .executeTakeFirstOrThrow()
}

async function validate(licenseId: string) {
  // The newest key mailed for this license.
  const msg = await t.db
    .selectFrom('outbox_messages')
    .select('body')
    .where('license_id', '=', licenseId)
    .orderBy('id', 'desc')
    .executeTakeFirstOrThrow()
  const key = /^(TG1-\S+)$/m.exec(msg.body!)![1]!
  const res = await t.app.inject({ method: 'POST', url: '/v1/licenses/validate', payload: { key } })
  return { ...res.json<{ valid: boolean; code: string; entitlements: string[] }>(), key }
}

function subEvent(
  type: string,
  h: { sub: string; cus: string },
  o: {
    price: string
    status: string
    periodStart: number
    periodEnd: number
    cancelAtPeriodEnd?: boolean
    canceledAt?: number
  },
  created: number,
) {
  return event(type, subscription({ id: h.sub, customer: h.cus, ...o }), created)
}

/** `customer.subscription.deleted` of `h` in its current period, canceled (and sent) at `at`. */
function canceledEvent(
  h: { sub: string; cus: string; price: string; periodStart: number; periodEnd: number },
  at: number,
) {
  const { price, periodStart, periodEnd } = h
  const o = { price, status: 'canceled', periodStart, periodEnd, canceledAt: at }
  return subEvent('customer.subscription.deleted', h, o, at)
}

/** A renewal invoice event of the bought subscription `h` (paid, or open for payment_failed). */
function invoiceEvent(
  type: 'invoice.paid' | 'invoice.payment_failed',
  h: { sub: string; cus: string; price: string },
  o: { periodStart: number; periodEnd: number; created: number; attemptCount?: number },
) {
  const status = type === 'invoice.paid' ? 'paid' : 'open'
  const body = invoice({ subscription: h.sub, customer: h.cus, price: h.price, status, ...o })
  return event(type, body, o.created)
}

describe(`invoice.paid renews (${TEST_DB_KIND})`, () => {
  it('sets the expiry to the paid period end and extends it on the next period', async () => {
    const h = await buy()
    expect((await licenseOf(h.sub)).expires_at!.getTime()).toBe(h.periodEnd * 1000)
    t.clock.advance(30 * DAY)
    const next = h.periodEnd + 30 * DAY_S
    const res = await deliver(
      t,
      invoiceEvent('invoice.paid', h, {
        periodStart: h.periodEnd,
        periodEnd: next,
        created: unix(t),
      }),
    )
    expect(res.json<{ status: string }>().status).toBe('processed')
    const lic = await licenseOf(h.sub)
    expect(lic.expires_at!.getTime()).toBe(next * 1000)
    // The renewed key went to the buyer, and it carries the new expiry.
    const v = await validate(h.licenseId)
    expect(v.code).toBe('VALID')
    expect(decodeLicense(v.key).claims.exp).toBe(next)
    const kinds = await t.db
      .selectFrom('outbox_messages')
      .select('kind')
      .where('license_id', '=', h.licenseId)
      .orderBy('id')
      .execute()
    expect(kinds.map((k) => k.kind)).toEqual(['license.issued', 'license.renewed'])
  })

  it('an older paid invoice arriving late never shortens the expiry', async () => {
    const h = await buy()
    const later = h.periodEnd + 30 * DAY_S
    await deliver(
      t,
      invoiceEvent('invoice.paid', h, {
        periodStart: h.periodEnd,
        periodEnd: later,
        created: unix(t) + 10,
      }),
    )
    const stale = await deliver(
      t,
      invoiceEvent('invoice.paid', h, {
        periodStart: h.periodStart,
        periodEnd: h.periodEnd,
        created: unix(t),
      }),
    )
    expect(stale.json<{ status: string }>().status).toBe('ignored')
    expect((await licenseOf(h.sub)).expires_at!.getTime()).toBe(later * 1000)
  })
})

describe(`invoice.payment_failed: grace, then suspension (${TEST_DB_KIND})`, () => {
  it('stays active within the plan grace, is suspended by the sweep after it, and is reinstated when paid', async () => {
    const h = await buy()
    const failedAt = unix(t)
    const res = await deliver(
      t,
      invoiceEvent('invoice.payment_failed', h, {
        periodStart: h.periodEnd,
        periodEnd: h.periodEnd + 30 * DAY_S,
        created: failedAt,
      }),
    )
    expect(res.json<{ status: string }>().status).toBe('processed')
    expect((await licenseOf(h.sub)).status).toBe('active')
    const row = await t.db
      .selectFrom('billing_subscriptions')
      .selectAll()
      .where('stripe_subscription_id', '=', h.sub)
      .executeTakeFirstOrThrow()
    expect(row).toMatchObject({ status: 'past_due' })
    expect(row.past_due_since!.getTime()).toBe(failedAt * 1000)

    // A retry failing again does not restart the grace.
    t.clock.advance(2 * DAY)
    await deliver(
      t,
      invoiceEvent('invoice.payment_failed', h, {
        periodStart: h.periodEnd,
        periodEnd: h.periodEnd + 30 * DAY_S,
        created: unix(t),
        attemptCount: 2,
      }),
    )
    expect(await t.app.billing.sweep()).not.toContain(h.licenseId)
    expect((await licenseOf(h.sub)).status).toBe('active')

    t.clock.advance(1 * DAY + 1000) // 3 days + 1 s after the first failure
    expect(await t.app.billing.sweep()).toContain(h.licenseId)
    const suspended = await licenseOf(h.sub)
    expect(suspended).toMatchObject({ status: 'suspended', status_reason: 'billing:past_due' })
    expect((await validate(h.licenseId)).code).toBe('SUSPENDED')
    expect(await t.app.billing.sweep()).toEqual([])

    const paidAt = unix(t)
    const next = h.periodEnd + 30 * DAY_S
    await deliver(
      t,
      invoiceEvent('invoice.paid', h, {
        periodStart: h.periodEnd,
        periodEnd: next,
        created: paidAt,
      }),
    )
    const back = await licenseOf(h.sub)
    expect(back.status).toBe('active')
    expect(back.expires_at!.getTime()).toBe(next * 1000)
    expect((await validate(h.licenseId)).code).toBe('VALID')
  })

  it('does not reinstate a license an admin suspended', async () => {
    const h = await buy()
    const s = await t.request('POST', `/v1/admin/licenses/${h.licenseId}/suspend`, {
      reason: 'fraud review',
    })
    expect(s.statusCode).toBe(200)
    await deliver(
      t,
      invoiceEvent('invoice.paid', h, {
        periodStart: h.periodEnd,
        periodEnd: h.periodEnd + 30 * DAY_S,
        created: unix(t) + 5,
      }),
    )
    expect(await licenseOf(h.sub)).toMatchObject({
      status: 'suspended',
      status_reason: 'fraud review',
    })
  })
})

describe(`customer.subscription.updated: plan change (${TEST_DB_KIND})`, () => {
  it('moves the license to the new plan (entitlements, limits) and sends a re-issued key', async () => {
    const h = await buy()
    const at = unix(t) + 60
    const res = await deliver(
      t,
      subEvent(
        'customer.subscription.updated',
        h,
        {
          price: 'price_team',
          status: 'active',
          periodStart: h.periodStart,
          periodEnd: h.periodEnd,
        },
        at,
      ),
    )
    expect(res.json<{ status: string }>().status).toBe('processed')
    const lic = await licenseOf(h.sub)
    expect(lic).toMatchObject({ plan_id: team, tier: 'team', limits: { users: 100 } })
    expect(lic.entitlements).toEqual(['sso', 'audit', 'scim'])
    const v = await validate(h.licenseId)
    expect(v).toMatchObject({ valid: true, entitlements: ['sso', 'audit', 'scim'] })
    expect(decodeLicense(v.key).claims).toMatchObject({ tier: 'team', limits: { users: 100 } })
    const audit = await t.db
      .selectFrom('audit_log')
      .select(['action', 'actor'])
      .where('target_id', '=', h.licenseId)
      .execute()
    expect(audit.map((a) => a.action)).toContain('license.plan_change')
    expect(audit.find((a) => a.action === 'license.plan_change')!.actor).toMatch(/^stripe:evt_/)
  })
})

describe(`customer.subscription.deleted (${TEST_DB_KIND})`, () => {
  it('revokes when the plan says revoke', async () => {
    const h = await buy()
    const res = await deliver(
      t,
      subEvent(
        'customer.subscription.deleted',
        h,
        {
          price: h.price,
          status: 'canceled',
          periodStart: h.periodStart,
          periodEnd: h.periodEnd,
          canceledAt: unix(t),
        },
        unix(t) + 1,
      ),
    )
    expect(res.json<{ status: string }>().status).toBe('processed')
    expect(await licenseOf(h.sub)).toMatchObject({
      status: 'revoked',
      status_reason: 'billing:subscription_canceled',
    })
    expect((await validate(h.licenseId)).code).toBe('REVOKED')
  })

  it('keeps the license until the paid period ends when the plan says expire_at_period_end', async () => {
    const h = await buy('price_lapsing', lapsing)
    t.clock.advance(10 * DAY)
    await deliver(t, canceledEvent(h, unix(t)))
    const lic = await licenseOf(h.sub)
    expect(lic.status).toBe('active')
    expect(lic.expires_at!.getTime()).toBe(h.periodEnd * 1000)
    expect((await validate(h.licenseId)).code).toBe('VALID')
    // After the period (and the plan's 3-day expiry grace) it no longer validates.
    t.clock.set(new Date((h.periodEnd + 4 * DAY_S) * 1000))
    expect((await validate(h.licenseId)).code).toBe('EXPIRED')
    t.clock.set(new Date())
  })
})

describe(`out-of-order deliveries end in the right state (${TEST_DB_KIND})`, () => {
  it('an older subscription snapshot arriving last is ignored', async () => {
    const h = await buy()
    const base = unix(t)
    const newer = subEvent(
      'customer.subscription.updated',
      h,
      { price: 'price_team', status: 'active', periodStart: h.periodStart, periodEnd: h.periodEnd },
      base + 200,
    )
    const older = subEvent(
      'customer.subscription.updated',
      h,
      { price: 'price_pro', status: 'active', periodStart: h.periodStart, periodEnd: h.periodEnd },
      base + 100,
    )
    await deliver(t, newer)
    const res = await deliver(t, older)
    expect(res.json<{ status: string }>().status).toBe('ignored')
    expect((await licenseOf(h.sub)).plan_id).toBe(team)
  })

  it('deleted before a late updated(active): stays revoked', async () => {
    const h = await buy()
    const base = unix(t)
    await deliver(t, canceledEvent(h, base + 50))
    await deliver(
      t,
      subEvent(
        'customer.subscription.updated',
        h,
        {
          price: 'price_team',
          status: 'active',
          periodStart: h.periodStart,
          periodEnd: h.periodEnd,
        },
        base + 40,
      ),
    )
    const lic = await licenseOf(h.sub)
    expect(lic.status).toBe('revoked')
    const row = await t.db
      .selectFrom('billing_subscriptions')
      .select('status')
      .where('stripe_subscription_id', '=', h.sub)
      .executeTakeFirstOrThrow()
    expect(row.status).toBe('canceled')
  })

  it('payment_failed older than a later payment does not put the subscription past due', async () => {
    const h = await buy()
    const base = unix(t)
    await deliver(
      t,
      invoiceEvent('invoice.paid', h, {
        periodStart: h.periodEnd,
        periodEnd: h.periodEnd + 30 * DAY_S,
        created: base + 300,
      }),
    )
    const late = await deliver(
      t,
      invoiceEvent('invoice.payment_failed', h, {
        periodStart: h.periodEnd,
        periodEnd: h.periodEnd + 30 * DAY_S,
        created: base + 200,
      }),
    )
    expect(late.json<{ status: string }>().status).toBe('ignored')
    const row = await t.db
      .selectFrom('billing_subscriptions')
      .select(['status', 'past_due_since'])
      .where('stripe_subscription_id', '=', h.sub)
      .executeTakeFirstOrThrow()
    expect(row).toMatchObject({ status: 'active', past_due_since: null })
  })

  it('events that arrive before the checkout are applied to the license it creates', async () => {
    const sub = sid('sub')
    const cus = sid('cus')
    const now = unix(t)
    const periodEnd = now + 30 * DAY_S
    // Stripe sent invoice.paid and a plan change before checkout.session.completed arrived.
    await deliver(
      t,
      event(
        'invoice.paid',
        invoice({
          subscription: sub,
          customer: cus,
          price: 'price_pro',
          status: 'paid',
          periodStart: now,
          periodEnd,
          created: now,
        }),
        now,
      ),
    )
    await deliver(
      t,
      subEvent(
        'customer.subscription.updated',
        { sub, cus },
        { price: 'price_team', status: 'active', periodStart: now, periodEnd },
        now + 5,
      ),
    )
    await deliver(
      t,
      event(
        'checkout.session.completed',
        checkoutSession({
          subscription: sub,
          customer: cus,
          email: 'early@acme.test',
          planId: pro,
          created: now,
        }),
        now,
      ),
    )
    const lic = await licenseOf(sub)
    expect(lic).toMatchObject({ status: 'active', plan_id: team })
    expect(lic.expires_at!.getTime()).toBe(periodEnd * 1000)
    const msgs = await t.db
      .selectFrom('outbox_messages')
      .select(['kind', 'body'])
      .where('license_id', '=', lic.id)
      .execute()
    expect(msgs).toHaveLength(1)
    const key = /^(TG1-\S+)$/m.exec(msgs[0]!.body!)![1]!
    expect(decodeLicense(key).claims).toMatchObject({ tier: 'team', exp: periodEnd })
  })
})
