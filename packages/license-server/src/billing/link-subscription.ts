import type { AuditActor } from '../audit/audit-actor.js'
import type { Db } from '../db/database.js'
import type { LicenseRow } from '../licenses/license.table.js'
import type { LicensingDeps } from '../licenses/licensing-deps.js'
import { updateSubscription } from './billing-subscription.repository.js'
import type { BillingSubscriptionRow } from './billing.table.js'
import { queueLicenseDelivery } from './deliver-license.js'
import { reconcileLicense, type ReconcileResult } from './reconcile-license.js'

/** Input of {@link linkSubscription}. */
export interface LinkSubscriptionInput {
  sub: BillingSubscriptionRow
  license: LicenseRow
  stripeCustomerId: string
  /** True while no paid invoice has stated the period (the expiry is a guess it may shorten). */
  provisional: boolean
  actor: AuditActor
  /** The Stripe event id: dedupes what reconciling writes. */
  dedupe: string
  /** Let reconciling mail a changed key itself (default false: the caller delivers). */
  deliver?: boolean
}

/**
 * Links a subscription to an existing license (one taken over, or a converted trial): stores
 * the link, gives the license's customer the Stripe customer id when it has none, then applies
 * what earlier events already moved on the subscription row (paid invoice, plan change,
 * cancellation). Shared by checkout's take-over and trial conversion, so both link alike.
 *
 * @example
 * ```ts
 * const settled = await linkSubscription(trx, { sub, license, stripeCustomerId, provisional: false, actor, dedupe: event.id }, deps)
 * ```
 */
export async function linkSubscription(
  trx: Db,
  input: LinkSubscriptionInput,
  deps: LicensingDeps,
): Promise<ReconcileResult> {
  const { license, stripeCustomerId } = input
  const now = deps.now()
  const linked = await updateSubscription(
    trx,
    input.sub.stripe_subscription_id,
    {
      license_id: license.id,
      customer_id: license.customer_id,
      stripe_customer_id: stripeCustomerId,
      expiry_provisional: input.provisional,
    },
    now,
  )
  await trx
    .updateTable('customers')
    .set({ stripe_customer_id: stripeCustomerId, updated_at: now })
    .where('id', '=', license.customer_id)
    .where('stripe_customer_id', 'is', null)
    .execute()
  return reconcileLicense(trx, linked, input.actor, deps, {
    dedupe: input.dedupe,
    deliver: input.deliver ?? false,
  })
}

/**
 * Queues the buyer's key after a checkout settled: the reconciled license and token when
 * reconciling changed them, else the ones just issued; nothing for a license that is not active.
 *
 * @example
 * ```ts
 * await deliverSettled(trx, settled, issued, { reason: 'issued', dedupeKey: `${id}:issued`, now })
 * ```
 */
export async function deliverSettled(
  trx: Db,
  settled: ReconcileResult,
  fallback: { license: LicenseRow; token: string },
  opts: { reason: 'issued' | 'updated'; dedupeKey: string; now: Date },
): Promise<LicenseRow> {
  const license = settled.license ?? fallback.license
  if (license.status === 'active') {
    await queueLicenseDelivery(trx, license, settled.token ?? fallback.token, opts)
  }
  return license
}
