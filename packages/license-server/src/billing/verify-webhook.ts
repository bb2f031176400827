import Stripe from 'stripe'
import { AppError } from '../errors/app-error.js'

/**
 * Verifies a webhook delivery with the stripe package (`webhooks.constructEvent`: HMAC-SHA256
 * of `<t>.<raw body>` against every `v1` signature, constant-time) and returns the event.
 * `now` is the app clock, so the tolerance window follows fake time in tests. A bad signature
 * is WEBHOOK_SIGNATURE_INVALID; a correct signature that is too old is
 * WEBHOOK_TIMESTAMP_OUT_OF_TOLERANCE (told apart by re-checking without the window), and so is
 * one more than the window ahead of the clock. A signed payload that is not event-shaped is
 * BILLING_EVENT_INVALID (400).
 *
 * @example
 * ```ts
 * const event = verifyStripeWebhook(rawBody, req.headers['stripe-signature'], secret, 300, new Date())
 * ```
 */
export function verifyStripeWebhook(
  rawBody: Buffer,
  signatureHeader: string | undefined,
  secret: string,
  toleranceS: number,
  now: Date,
): Stripe.Event {
  if (!signatureHeader) {
    throw new AppError('WEBHOOK_SIGNATURE_INVALID', 'Missing Stripe-Signature header')
  }
  let event: unknown
  try {
    event = Stripe.webhooks.constructEvent(
      rawBody,
      signatureHeader,
      secret,
      toleranceS,
      undefined,
      now.getTime(),
    )
  } catch (err) {
    if (!(err instanceof Stripe.errors.StripeSignatureVerificationError)) {
      // Signed, but not a JSON snapshot event.
      throw new AppError('BILLING_EVENT_INVALID', 'The webhook payload is not a Stripe event', {
        cause: err,
      })
    }
    let signatureOk = false
    const signature = Stripe.webhooks.signature
    if (signature) {
      try {
        // Tolerance 0 skips the timestamp check: if this passes, only the age was wrong.
        signatureOk = signature.verifyHeader(rawBody, signatureHeader, secret, 0)
      } catch {
        signatureOk = false
      }
    }
    if (signatureOk) {
      throw new AppError(
        'WEBHOOK_TIMESTAMP_OUT_OF_TOLERANCE',
        `The Stripe-Signature timestamp is older than ${toleranceS} s`,
      )
    }
    throw new AppError('WEBHOOK_SIGNATURE_INVALID')
  }
  // Stripe only bounds the age; a timestamp ahead of our clock by more than the window is not a
  // delivery Stripe made now (a header signed in advance to be replayed later).
  const t = /(?:^|,)\s*t=(\d{1,12})(?:,|$)/.exec(signatureHeader)
  if (t && Number(t[1]) * 1000 > now.getTime() + toleranceS * 1000) {
    throw new AppError(
      'WEBHOOK_TIMESTAMP_OUT_OF_TOLERANCE',
      `The Stripe-Signature timestamp is more than ${toleranceS} s in the future`,
    )
  }
  if (!isEventShaped(event)) {
    throw new AppError('BILLING_EVENT_INVALID', 'The webhook payload is not a Stripe event')
  }
  return event
}

/** The fields every stored and processed event relies on (`id`, `type`, `created`, `data.object`). */
function isEventShaped(value: unknown): value is Stripe.Event {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
  const e = value as Record<string, unknown>
  const data = e.data as Record<string, unknown> | null | undefined
  return (
    typeof e.id === 'string' &&
    e.id.length > 0 &&
    e.id.length <= 255 &&
    typeof e.type === 'string' &&
    e.type.length > 0 &&
    e.type.length <= 255 &&
    Number.isInteger(e.created) &&
    typeof data === 'object' &&
    data !== null &&
    typeof data.object === 'object' &&
    data.object !== null &&
    !Array.isArray(data.object)
  )
}
