import Stripe from 'stripe'
import { AppError } from '../errors/app-error.js'

/**
 * Verifies a webhook delivery with the stripe package (`webhooks.constructEvent`: HMAC-SHA256
 * of `<t>.<raw body>` against every `v1` signature, constant-time) and returns the event.
 * `now` is the app clock, so the tolerance window follows fake time in tests. A bad signature
 * is WEBHOOK_SIGNATURE_INVALID; a correct signature that is too old is
 * WEBHOOK_TIMESTAMP_OUT_OF_TOLERANCE (told apart by re-checking without the window).
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
  try {
    return Stripe.webhooks.constructEvent(
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
}
