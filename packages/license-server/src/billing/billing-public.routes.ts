import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { findCustomer } from '../customers/customer.repository.js'
import { AppError } from '../errors/app-error.js'
import { errorResponses } from '../lib/schemas.js'
import { checkLicenseKey } from '../licenses/check-license-key.js'
import { findPlan } from '../plans/plan.repository.js'
import { META } from './billing-deps.js'
import { configuredUrl as url, stripeOr503, viaStripe } from './stripe-call.js'
import { CheckoutBody, CheckoutResponse, PortalBody, PortalResponse } from './billing.schemas.js'

/**
 * `POST /v1/billing/checkout` ({planId, email?, quantity?} -> {id, url}): a Stripe Checkout
 * Session in subscription mode for the plan's `stripePriceId`, tagged with the plan so the
 * webhook maps it back. `POST /v1/billing/portal` ({key} -> {url}): a Customer Portal session
 * for the license key's customer (the key authenticates the buyer).
 *
 * @example
 * ```ts
 * await pub.register(billingPublicRoutes)
 * ```
 */
export const billingPublicRoutes: FastifyPluginAsyncTypebox = (app) => {
  const tags = ['billing']

  app.post(
    '/billing/checkout',
    {
      schema: { tags, body: CheckoutBody, response: { 200: CheckoutResponse, ...errorResponses } },
    },
    async (req) => {
      const { db, config } = app.tollgate
      const stripe = stripeOr503(app.billing.stripe)
      const tenantId = app.billing.tenantId
      const plan = await findPlan(db, tenantId, req.body.planId)
      if (!plan) throw new AppError('NOT_FOUND', `No plan ${req.body.planId}`)
      if (!plan.stripe_price_id) throw new AppError('PLAN_NOT_PURCHASABLE')
      const metadata = { [META.planId]: plan.id, [META.tenantId]: tenantId }
      const session = await viaStripe(
        stripe.checkout.sessions.create({
          mode: 'subscription',
          line_items: [{ price: plan.stripe_price_id, quantity: req.body.quantity ?? 1 }],
          success_url: url(config.billing.checkoutSuccessUrl, 'BILLING_CHECKOUT_SUCCESS_URL'),
          cancel_url: url(config.billing.checkoutCancelUrl, 'BILLING_CHECKOUT_CANCEL_URL'),
          ...(req.body.email ? { customer_email: req.body.email } : {}),
          client_reference_id: plan.id,
          metadata,
          // Copied onto the subscription, so its events and invoices name the plan too.
          subscription_data: { metadata },
        }),
      )
      return { id: session.id, url: session.url }
    },
  )

  app.post(
    '/billing/portal',
    { schema: { tags, body: PortalBody, response: { 200: PortalResponse, ...errorResponses } } },
    async (req) => {
      const { db, config, signingKeys, now } = app.tollgate
      const stripe = stripeOr503(app.billing.stripe)
      const check = await checkLicenseKey(db, signingKeys, req.body.key, { now: now() })
      // Any usable or merely restricted license may manage its billing; forged keys may not.
      if (!check.row) throw new AppError('NOT_FOUND', 'Unknown license key')
      if (check.row.tenant_id !== app.billing.tenantId) throw new AppError('NO_STRIPE_CUSTOMER')
      const customer = await findCustomer(db, check.row.tenant_id, check.row.customer_id)
      if (!customer?.stripe_customer_id) throw new AppError('NO_STRIPE_CUSTOMER')
      const session = await viaStripe(
        stripe.billingPortal.sessions.create({
          customer: customer.stripe_customer_id,
          return_url: url(config.billing.portalReturnUrl, 'BILLING_PORTAL_RETURN_URL'),
        }),
      )
      return { url: session.url }
    },
  )
  return Promise.resolve()
}
