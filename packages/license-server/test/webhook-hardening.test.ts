// Stripe webhook edge cases (issue 20): signed payloads that are not events, and timestamps
// from the future.
import Stripe from 'stripe'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { billingConfig, deliver, event, sid, unix, WEBHOOK_SECRET } from './billing-fixtures.js'
import { createTestApp, type TestApp } from './helpers/test-app.js'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp({ config: { billing: billingConfig() } })
})
afterAll(() => t.close())

function signedPost(payload: string, timestamp = unix(t)) {
  const header = Stripe.webhooks.generateTestHeaderString({
    payload,
    secret: WEBHOOK_SECRET,
    timestamp,
  })
  return t.app.inject({
    method: 'POST',
    url: '/v1/webhooks/stripe',
    headers: { 'content-type': 'application/json', 'stripe-signature': header },
    payload,
  })
}

describe('Stripe webhook hardening', () => {
  it('answers 400 BILLING_EVENT_INVALID to signed JSON that is not an event', async () => {
    for (const payload of [
      '{}',
      'null',
      '[]',
      '"evt_1"',
      '42',
      '{"id":"evt_1"}',
      '{"id":12,"type":"checkout.session.completed","created":1,"data":{"object":{}}}',
      '{"id":"evt_1","type":"x","created":"yesterday","data":{"object":{}}}',
      '{"id":"evt_1","type":"x","created":1,"data":null}',
      '{"id":"evt_1","type":"x","created":1,"data":{"object":"nope"}}',
    ]) {
      const res = await signedPost(payload)
      expect(res.statusCode, `${payload}: ${res.body}`).toBe(400)
      expect(res.json<{ code: string }>().code, payload).toBe('BILLING_EVENT_INVALID')
    }
  })

  it('refuses a signature timestamp far in the future, accepts small clock skew', async () => {
    // A type billing stores and ignores: the answer is about the timestamp alone.
    const e = event('customer.created', { id: sid('cus'), object: 'customer' }, unix(t))
    const future = await deliver(t, e, { timestamp: unix(t) + 3600 })
    expect(future.statusCode, future.body).toBe(400)
    expect(future.json<{ code: string }>().code).toBe('WEBHOOK_TIMESTAMP_OUT_OF_TOLERANCE')
    const skewed = await deliver(t, e, { timestamp: unix(t) + 30 })
    expect(skewed.statusCode, skewed.body).toBe(200)
  })
})
