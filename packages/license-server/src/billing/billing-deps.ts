import type Stripe from 'stripe'
import type { LicensingDeps } from '../licenses/licensing-deps.js'
import type { Metrics } from '../metrics/metrics.js'

/**
 * What the billing handlers need: the licensing services' deps (signing keys, clock, token
 * prefix: `app.tollgate` fits) plus the Stripe client when one is configured (only used to
 * read a checkout's line items when its metadata names no plan).
 */
export interface BillingDeps extends LicensingDeps {
  stripe: Stripe | undefined
  /** The app's metrics (`app.tollgate.metrics`): conversions are counted there. */
  metrics?: Pick<Metrics, 'registry'>
}

/**
 * The audit actor of work done because of a Stripe event.
 *
 * @example
 * ```ts
 * await recordAudit(trx, { ..., actor: stripeActor(event.id) })
 * ```
 */
export function stripeActor(eventId: string): { actor: string } {
  return { actor: `stripe:${eventId}` }
}

/** Status reasons billing sets; a license suspended with one of these is billing's to lift. */
export const REASONS = {
  pastDue: 'billing:past_due',
  paused: 'billing:paused',
  canceled: 'billing:subscription_canceled',
} as const

/** Metadata keys Tollgate puts on the Checkout Sessions and Subscriptions it creates. */
export const META = {
  planId: 'tollgate_plan_id',
  tenantId: 'tollgate_tenant_id',
  /** A staff-issued license the subscription takes over instead of issuing a new one. */
  licenseId: 'tollgate_license_id',
} as const
