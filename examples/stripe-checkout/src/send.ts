import Stripe from 'stripe'

/** What the webhook endpoint answered. */
export interface WebhookAnswer {
  status: number
  /** `{received, eventId, status: processed|ignored|duplicate}` or `{error, code, status}`. */
  body: Record<string, unknown>
}

/**
 * Signs an event exactly as Stripe does (`Stripe-Signature: t=…,v1=HMAC-SHA256`) with the
 * endpoint's signing secret and POSTs it to `<serverUrl>/v1/webhooks/stripe`. The payload is
 * pretty-printed like Stripe's; the signature covers those exact bytes.
 *
 * @example
 * ```ts
 * const answer = await sendStripeEvent('http://127.0.0.1:3000', 'whsec_…', checkoutCompleted(p))
 * answer.body.status // 'processed'
 * ```
 */
export async function sendStripeEvent(
  serverUrl: string,
  secret: string,
  event: Stripe.Event,
): Promise<WebhookAnswer> {
  const payload = JSON.stringify(event, null, 2)
  const header = Stripe.webhooks.generateTestHeaderString({ payload, secret })
  const res = await fetch(`${serverUrl.replace(/\/+$/, '')}/v1/webhooks/stripe`, {
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': header },
    body: payload,
  })
  const text = await res.text()
  let body: Record<string, unknown>
  try {
    body = JSON.parse(text) as Record<string, unknown>
  } catch {
    body = { raw: text }
  }
  return { status: res.status, body }
}
