import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openBillingPortal } from '../src/portal/open-billing-portal.js'
import { billingConfig, STRIPE_KEY } from './billing-fixtures.js'
import { createTestApp, type TestApp } from './helpers/test-app.js'
import { TEST_DB_KIND } from './helpers/test-db.js'
import { seedPortalCustomer, type PortalCustomer } from './portal-support.js'

/** A local fake of Stripe's billing-portal endpoint that records the form it got. */
async function fakeStripe(): Promise<{ server: Server; port: number; forms: URLSearchParams[] }> {
  const forms: URLSearchParams[] = []
  const server = createServer((req, res) => {
    let raw = ''
    req.on('data', (c: Buffer) => (raw += c.toString('utf8')))
    req.on('end', () => {
      const form = new URLSearchParams(raw)
      forms.push(form)
      const ok = req.method === 'POST' && req.url === '/v1/billing_portal/sessions'
      res.writeHead(ok ? 200 : 404, { 'content-type': 'application/json' })
      res.end(
        JSON.stringify(
          ok
            ? {
                id: 'bps_fake',
                object: 'billing_portal.session',
                customer: form.get('customer'),
                return_url: form.get('return_url'),
                url: `https://billing.stripe.test/p/session/${form.get('customer')}`,
              }
            : { error: { type: 'invalid_request_error', message: 'no route' } },
        ),
      )
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return { server, port: (server.address() as AddressInfo).port, forms }
}

let t: TestApp
let stripe: Awaited<ReturnType<typeof fakeStripe>>
let acme: PortalCustomer
let hand: PortalCustomer

beforeAll(async () => {
  stripe = await fakeStripe()
  t = await createTestApp({
    config: {
      billing: billingConfig({
        stripeSecretKey: STRIPE_KEY,
        stripeApi: { host: '127.0.0.1', port: stripe.port, protocol: 'http' },
      }),
    },
  })
  acme = await seedPortalCustomer(t, 'buyer@acme.test')
  await t.request('PATCH', `/v1/admin/customers/${acme.customer.id}`, {
    stripeCustomerId: 'cus_StripeAcme',
  })
  hand = await seedPortalCustomer(t, 'ops@hand.test')
})
afterAll(async () => {
  await t.close()
  await new Promise((r) => stripe.server.close(r))
})

describe(`portal billing (${TEST_DB_KIND})`, () => {
  it("opens a Stripe portal session for the signed-in customer's Stripe customer", async () => {
    stripe.forms.length = 0
    const { url } = await openBillingPortal(t.app, acme.principal, {
      returnUrl: 'http://127.0.0.1/portal',
    })
    expect(url).toBe('https://billing.stripe.test/p/session/cus_StripeAcme')
    expect(stripe.forms.map((f) => Object.fromEntries(f))).toEqual([
      { customer: 'cus_StripeAcme', return_url: 'http://127.0.0.1/portal' },
    ])
  })

  it('members, support sessions and customers without Stripe get a typed refusal, no Stripe call', async () => {
    stripe.forms.length = 0
    await expect(
      openBillingPortal(t.app, { ...acme.principal, role: 'member' }),
    ).rejects.toMatchObject({ code: 'PORTAL_ADMIN_REQUIRED' })
    await expect(
      openBillingPortal(t.app, {
        kind: 'support',
        tenantId: t.tenantId,
        customerId: acme.customer.id,
        linkId: 'psl_x',
        createdBy: 'key:x',
      }),
    ).rejects.toMatchObject({ code: 'PORTAL_READ_ONLY' })
    await expect(openBillingPortal(t.app, hand.principal)).rejects.toMatchObject({
      code: 'NO_STRIPE_CUSTOMER',
    })
    expect(stripe.forms).toHaveLength(0)
  })
})
