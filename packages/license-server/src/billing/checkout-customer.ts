import type Stripe from 'stripe'
import { recordAudit } from '../audit/record-audit.js'
import { findCustomerByStripeId, insertCustomer } from '../customers/customer.repository.js'
import type { CustomerRow } from '../customers/customer.table.js'
import { toCustomerView } from '../customers/customer.view.js'
import type { Db } from '../db/database.js'
import { newId } from '../lib/ids.js'
import { stripeActor } from './billing-deps.js'
import { idOf } from './stripe-objects.js'

/**
 * The buyer of a Checkout Session: the customer with its Stripe customer id, else a new one
 * from the session's details (audited `customer.create`, actor `stripe:<event>`).
 *
 * @example
 * ```ts
 * const customer = await checkoutCustomer(trx, tenantId, session, event, now)
 * ```
 */
export async function checkoutCustomer(
  trx: Db,
  tenantId: string,
  session: Stripe.Checkout.Session,
  event: Stripe.Event,
  now: Date,
): Promise<CustomerRow> {
  const stripeCustomerId = idOf(session.customer)
  const existing = stripeCustomerId
    ? await findCustomerByStripeId(trx, tenantId, stripeCustomerId)
    : undefined
  if (existing) return existing
  const email = session.customer_details?.email ?? session.customer_email ?? null
  const row: CustomerRow = {
    id: newId('cus'),
    tenant_id: tenantId,
    name: session.customer_details?.name ?? email ?? stripeCustomerId ?? session.id,
    email,
    external_id: null,
    stripe_customer_id: stripeCustomerId,
    metadata: { source: 'stripe_checkout', checkoutSessionId: session.id },
    created_at: now,
    updated_at: now,
  }
  await insertCustomer(trx, row)
  await recordAudit(trx, {
    tenantId,
    actor: stripeActor(event.id),
    action: 'customer.create',
    targetType: 'customer',
    targetId: row.id,
    after: toCustomerView(row),
    at: now,
  })
  return row
}
