import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  billingConfig,
  checkoutSession,
  createPlan,
  DAY_S,
  deliver,
  event,
  sid,
  subscription,
  unix,
} from './billing-fixtures.js'
import { createStaff, signInStaff, type TestStaff } from './helpers/console-support.js'
import { TEST_DB_KIND } from './helpers/test-db.js'
import { createTestApp, type TestApp } from './helpers/test-app.js'

describe(`console signing keys and billing retry (app.inject, ${TEST_DB_KIND})`, () => {
  let t: TestApp
  let owner: TestStaff
  let support: TestStaff
  let readOnly: TestStaff
  const keys = () =>
    t.db
      .selectFrom('signing_keys')
      .select(['kid', 'state'])
      .where('tenant_id', '=', t.tenantId)
      .orderBy('seq', 'asc')
      .execute()
  const audits = (action: string) =>
    t.db
      .selectFrom('audit_log')
      .select(['actor', 'target_id', 'before', 'after'])
      .where('action', '=', action)
      .where('tenant_id', '=', t.tenantId)
      .orderBy('id', 'asc')
      .execute()
  beforeAll(async () => {
    t = await createTestApp({ config: { billing: billingConfig() } })
    owner = await createStaff(t, 'owner')
    support = await createStaff(t, 'support')
    readOnly = await createStaff(t, 'read-only')
  })
  afterAll(() => t.close())

  it('roles without keys:admin see no keys page and a forged rotate/retire/remove answers 403', async () => {
    const [first] = await keys()
    for (const member of [support, readOnly]) {
      const b = await signInStaff(t, member)
      const home = await b.get('/console/licenses')
      expect(home.body).not.toContain('href="/console/keys"')
      const csrf = b.csrf(home.body)
      expect((await b.get('/console/keys')).statusCode).toBe(403)
      expect((await b.post('/console/keys/signing/rotate', { _csrf: csrf })).statusCode).toBe(403)
      const form = { reason: 'forged', confirm: 'yes', _csrf: csrf }
      expect((await b.post(`/console/keys/signing/${first!.kid}/retire`, form)).statusCode).toBe(
        403,
      )
      expect((await b.post(`/console/keys/signing/${first!.kid}/remove`, form)).statusCode).toBe(
        403,
      )
    }
    expect(await keys()).toEqual([first])
    expect(await audits('signing_key.rotate')).toHaveLength(0)
  })

  it('an owner rotates, retires and removes with the CLI warnings, a confirmation and a reason', async () => {
    const b = await signInStaff(t, owner)
    const [old] = await keys()
    let page = await b.get('/console/keys')
    expect(page.statusCode).toBe(200)
    const csrf = b.csrf(page.body)
    // One active key: no retire button, the page says why.
    expect(page.body).not.toContain(`/console/keys/signing/${old!.kid}/retire`)
    expect(page.body).toContain('The only active key: rotate before retiring it.')
    expect(page.body).toContain('the old one still verifies until retired and removed')

    const rotated = await b.post('/console/keys/signing/rotate', {
      reason: 'yearly rotation',
      _csrf: csrf,
    })
    expect(rotated.statusCode).toBe(303)
    const after = await keys()
    expect(after).toHaveLength(2)
    const fresh = after[1]!
    expect(fresh.state).toBe('active')
    const [rotateAudit] = await audits('signing_key.rotate')
    expect(rotateAudit).toMatchObject({ actor: `staff:${owner.id}`, target_id: fresh.kid })
    expect(rotateAudit!.after).toMatchObject({ reason: 'yearly rotation', signing: true })
    // New licenses are signed by the new key (the key cache was invalidated).
    const jwks = (await t.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json<{
      keys: { kid: string }[]
    }>()
    expect(jwks.keys.map((k) => k.kid)).toEqual(expect.arrayContaining([old!.kid, fresh.kid]))

    page = await b.get('/console/keys')
    expect(page.body).toContain(`/console/keys/signing/${old!.kid}/retire`)
    expect(page.body).toContain('its licenses still verify until it is removed')

    // Bad input: no confirmation, no reason: messages on the page, nothing written.
    const bad = await b.post(`/console/keys/signing/${old!.kid}/retire`, {
      reason: '',
      _csrf: csrf,
    })
    expect(bad.statusCode).toBe(400)
    expect(bad.body).toContain('Reason is required')
    expect(bad.body).toContain(`Tick the box to confirm: retire signing key ${old!.kid}`)
    expect((await keys()).map((k) => k.state)).toEqual(['active', 'active'])
    expect(await audits('signing_key.retire')).toHaveLength(0)

    const retired = await b.post(`/console/keys/signing/${old!.kid}/retire`, {
      reason: 'replaced by the new key',
      confirm: 'yes',
      _csrf: csrf,
    })
    expect(retired.statusCode).toBe(303)
    expect((await keys()).map((k) => k.state)).toEqual(['retired', 'active'])
    const [retireAudit] = await audits('signing_key.retire')
    expect(retireAudit).toMatchObject({ actor: `staff:${owner.id}`, target_id: old!.kid })
    expect(retireAudit!.after).toMatchObject({
      state: 'retired',
      reason: 'replaced by the new key',
    })

    // The last active key cannot be retired (the API's rule, shown as a message).
    const last = await b.post(`/console/keys/signing/${fresh.kid}/retire`, {
      reason: 'oops',
      confirm: 'yes',
      _csrf: csrf,
    })
    expect(last.statusCode).toBe(409)
    expect(last.body).toContain('The only active signing key cannot be retired')
    // An active key cannot be removed, even by a forged post.
    const inUse = await b.post(`/console/keys/signing/${fresh.kid}/remove`, {
      reason: 'oops',
      confirm: 'yes',
      _csrf: csrf,
    })
    expect(inUse.statusCode).toBe(409)
    expect((await keys()).map((k) => k.state)).toEqual(['retired', 'active'])

    page = await b.get('/console/keys')
    expect(page.body).toContain(`/console/keys/signing/${old!.kid}/remove`)
    expect(page.body).toContain('Every license it signed stops verifying')
    const noConfirm = await b.post(`/console/keys/signing/${old!.kid}/remove`, {
      reason: 'compromised',
      _csrf: csrf,
    })
    expect(noConfirm.statusCode).toBe(400)
    expect(noConfirm.body).toContain('Tick the box to confirm: remove signing key')
    expect(await keys()).toHaveLength(2)

    const removed = await b.post(`/console/keys/signing/${old!.kid}/remove`, {
      reason: 'compromised laptop',
      confirm: 'yes',
      _csrf: csrf,
    })
    expect(removed.statusCode).toBe(303)
    expect(await keys()).toEqual([fresh])
    const [removeAudit] = await audits('signing_key.delete')
    expect(removeAudit).toMatchObject({ actor: `staff:${owner.id}`, target_id: old!.kid })
    expect(removeAudit!.before).toMatchObject({ state: 'retired', reason: 'compromised laptop' })
    const jwksAfter = (await t.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json<{
      keys: { kid: string }[]
    }>()
    expect(jwksAfter.keys.map((k) => k.kid)).toEqual([fresh.kid])
  })

  it('retries a failed Stripe event (billing:write only); support sees no button and a forged post is 403', async () => {
    const plan = await createPlan(t, {
      tier: 'pro',
      price: 'price_console_pro',
      entitlements: ['sso'],
      limits: { users: 5 },
    })
    const sub = sid('sub')
    const cus = sid('cus')
    // A checkout naming no plan and a price nothing maps yet: the handler fails.
    const e = event(
      'checkout.session.completed',
      checkoutSession({ subscription: sub, customer: cus, email: 'b@acme.test', created: unix(t) }),
      unix(t),
    )
    ;(e.data.object as { line_items?: unknown }).line_items = undefined
    expect((await deliver(t, e)).statusCode).toBe(500)
    const row = await t.db
      .selectFrom('billing_events')
      .selectAll()
      .where('stripe_event_id', '=', e.id)
      .executeTakeFirstOrThrow()
    expect(row.status).toBe('failed')

    const s = await signInStaff(t, support)
    const sp = await s.get('/console/billing?status=failed')
    expect(sp.statusCode).toBe(200)
    expect(sp.body).toContain(e.id)
    expect(sp.body).toContain('BILLING_PLAN_NOT_FOUND')
    expect(sp.body).not.toContain(`/console/billing/events/${row.id}/retry`)
    const forged = await s.post(`/console/billing/events/${row.id}/retry`, {
      _csrf: s.csrf(sp.body),
    })
    expect(forged.statusCode).toBe(403)
    expect(await audits('billing_event.retry')).toHaveLength(0)

    // The subscription's price arrives (now mapped to the plan), then staff retry the event.
    const created = event(
      'customer.subscription.created',
      subscription({
        id: sub,
        customer: cus,
        price: 'price_console_pro',
        status: 'active',
        periodStart: unix(t),
        periodEnd: unix(t) + 30 * DAY_S,
      }),
      e.created,
    )
    expect((await deliver(t, created)).statusCode).toBe(200)
    const b = await signInStaff(t, owner)
    const page = await b.get('/console/billing')
    expect(page.body).toContain(`/console/billing/events/${row.id}/retry`)
    const retried = await b.post(`/console/billing/events/${row.id}/retry`, {
      _csrf: b.csrf(page.body),
    })
    expect(retried.statusCode).toBe(303)
    const shown = await b.get(String(retried.headers.location))
    expect(shown.body).toContain(`Retried ${e.id}: now processed`)
    const license = await t.db
      .selectFrom('licenses')
      .select(['plan_id', 'status'])
      .where('tenant_id', '=', t.tenantId)
      .where('plan_id', '=', plan)
      .executeTakeFirstOrThrow()
    expect(license.status).toBe('active')
    const [audit] = await audits('billing_event.retry')
    expect(audit).toMatchObject({ actor: `staff:${owner.id}`, target_id: row.id })
    expect(audit!.after).toMatchObject({ status: 'processed' })
    // Done now: a second retry is refused with the API's message, nothing runs twice.
    const again = await b.post(`/console/billing/events/${row.id}/retry`, {
      _csrf: b.csrf(page.body),
    })
    expect(again.statusCode).toBe(409)
    expect(again.body).toContain('The event is processed')
    expect(await audits('billing_event.retry')).toHaveLength(1)
  })

  it("isolates tenants: B's owner gets NOT_FOUND on A's signing keys and billing events", async () => {
    const other = await t.addTenant('vendor-b-keys')
    const bOwner = await createStaff(t, 'owner', { tenantId: other.tenantId })
    const b = await signInStaff(t, bOwner)
    const page = await b.get('/console/keys')
    const csrf = b.csrf(page.body)
    const [aKey] = await keys()
    expect(page.body).not.toContain(aKey!.kid)
    const form = { reason: 'cross-tenant', confirm: 'yes', _csrf: csrf }
    expect((await b.post(`/console/keys/signing/${aKey!.kid}/retire`, form)).statusCode).toBe(404)
    expect((await b.post(`/console/keys/signing/${aKey!.kid}/remove`, form)).statusCode).toBe(404)
    const aEvent = await t.db
      .selectFrom('billing_events')
      .select(['id', 'stripe_event_id'])
      .where('tenant_id', '=', t.tenantId)
      .executeTakeFirstOrThrow()
    expect((await b.get('/console/billing')).body).not.toContain(aEvent.stripe_event_id)
    expect(
      (await b.post(`/console/billing/events/${aEvent.id}/retry`, { _csrf: csrf })).statusCode,
    ).toBe(404)
    // B rotating its own keys leaves A's alone.
    expect((await b.post('/console/keys/signing/rotate', { _csrf: csrf })).statusCode).toBe(303)
    expect(await keys()).toEqual([aKey])
  })
})
