import type Stripe from 'stripe'
import { AppError } from '../errors/app-error.js'

/**
 * The Stripe client, or 503 BILLING_NOT_CONFIGURED without STRIPE_SECRET_KEY.
 *
 * @example
 * ```ts
 * const stripe = stripeOr503(app.billing.stripe)
 * ```
 */
export function stripeOr503(stripe: Stripe | undefined): Stripe {
  if (!stripe) throw new AppError('BILLING_NOT_CONFIGURED', 'STRIPE_SECRET_KEY is not set')
  return stripe
}

/**
 * Awaits a Stripe call, turning its failure into 502 STRIPE_UNAVAILABLE.
 *
 * @example
 * ```ts
 * const session = await viaStripe(stripe.billingPortal.sessions.create({ customer, return_url }))
 * ```
 */
export function viaStripe<T>(call: Promise<T>): Promise<T> {
  return call.catch((err: unknown) => {
    const e = err as { type?: string; message?: string }
    // Stripe's message describes the request (never our key); keep it for the caller.
    throw new AppError('STRIPE_UNAVAILABLE', `Stripe: ${e.type ?? 'error'}: ${e.message ?? ''}`, {
      cause: err,
    })
  })
}

/**
 * A configured URL, or 503 BILLING_NOT_CONFIGURED naming the missing variable.
 *
 * @example
 * ```ts
 * const returnUrl = configuredUrl(config.billing.portalReturnUrl, 'BILLING_PORTAL_RETURN_URL')
 * ```
 */
export function configuredUrl(value: string | undefined, name: string): string {
  if (!value) throw new AppError('BILLING_NOT_CONFIGURED', `${name} is not set`)
  return value
}
