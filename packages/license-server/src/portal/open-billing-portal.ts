import type { FastifyInstance } from 'fastify'
import { configuredUrl, stripeOr503, viaStripe } from '../billing/stripe-call.js'
import { findCustomer } from '../customers/customer.repository.js'
import { AppError } from '../errors/app-error.js'
import type { PortalPrincipal } from './portal-actor.js'
import { requirePortalAdmin } from './require-customer-user.js'

/**
 * A Stripe Customer Portal session for the signed-in customer (invoices, payment method,
 * cancel): the recommended replacement of the license-key-authenticated
 * `POST /v1/billing/portal`, since a key deployed on machines should not be enough to cancel a
 * subscription. Only admins of the account may open it. `returnUrl` defaults to
 * BILLING_PORTAL_RETURN_URL. A customer not billed through this server's Stripe account is
 * NO_STRIPE_CUSTOMER.
 *
 * @example
 * ```ts
 * const { url } = await openBillingPortal(app, principal, { returnUrl: 'https://lic.vendor.example/portal' })
 * ```
 */
export async function openBillingPortal(
  app: FastifyInstance,
  principal: PortalPrincipal,
  opts: { returnUrl?: string } = {},
): Promise<{ url: string }> {
  requirePortalAdmin(principal)
  const stripe = stripeOr503(app.billing.stripe)
  const { db, config } = app.tollgate
  if (principal.tenantId !== app.billing.tenantId) throw new AppError('NO_STRIPE_CUSTOMER')
  const customer = await findCustomer(db, principal.tenantId, principal.customerId)
  if (!customer?.stripe_customer_id) throw new AppError('NO_STRIPE_CUSTOMER')
  const returnUrl =
    opts.returnUrl ?? configuredUrl(config.billing.portalReturnUrl, 'BILLING_PORTAL_RETURN_URL')
  const session = await viaStripe(
    stripe.billingPortal.sessions.create({
      customer: customer.stripe_customer_id,
      return_url: returnUrl,
    }),
  )
  return { url: session.url }
}
