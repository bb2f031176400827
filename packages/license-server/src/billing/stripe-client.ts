import Stripe from 'stripe'
import type { BillingConfig } from './billing.config.js'

/**
 * The Stripe API client, or undefined without STRIPE_SECRET_KEY. `stripeApi` (host, port,
 * protocol) points it at stripe-mock or a local fake; by default it talks to api.stripe.com.
 *
 * @example
 * ```ts
 * const stripe = createStripeClient(app.tollgate.config.billing)
 * ```
 */
export function createStripeClient(config: BillingConfig, version = '0.0.0'): Stripe | undefined {
  if (!config.stripeSecretKey) return undefined
  return new Stripe(config.stripeSecretKey, {
    ...config.stripeApi,
    maxNetworkRetries: 1,
    timeout: 10_000,
    telemetry: false,
    appInfo: { name: 'tollgate-license-server', version },
  })
}
