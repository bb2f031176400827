import type Stripe from 'stripe'
import { recordAudit } from '../audit/record-audit.js'
import { stripeActor, META, type BillingDeps } from '../billing/billing-deps.js'
import type { BillingSubscriptionRow } from '../billing/billing.table.js'
import { updateSubscription } from '../billing/billing-subscription.repository.js'
import { changeLicensePlan } from '../billing/change-license-plan.js'
import { queueLicenseDelivery } from '../billing/deliver-license.js'
import type { HandlerOutcome } from '../billing/handler-outcome.js'
import { reconcileLicense } from '../billing/reconcile-license.js'
import type { Db } from '../db/database.js'
import { findLicense } from '../licenses/license.repository.js'
import { reissueToken } from '../licenses/reissue-token.js'
import type { PlanRow } from '../plans/plan.table.js'
import { normalizeEmail } from '../portal/portal-email.js'
import type { TrialRow } from './trial.table.js'
import { toTrialView } from './trial.view.js'

const DAY_MS = 86_400_000
/** As checkout: the period assumed until the first paid invoice states it, plus slack. */
const PROVISIONAL_DAYS = 31 + 3

/** The buyer's unconverted trial: named by the session, by its Stripe customer, or by email. */
async function buyersTrial(
  trx: Db,
  tenantId: string,
  session: Stripe.Checkout.Session,
  stripeCustomerId: string,
): Promise<TrialRow | undefined> {
  const base = () =>
    trx
      .selectFrom('trials')
      .selectAll('trials')
      .where('trials.tenant_id', '=', tenantId)
      .where('trials.converted_at', 'is', null)
      .forUpdate()
  const licenseId = session.metadata?.[META.licenseId]
  if (licenseId) return base().where('trials.license_id', '=', licenseId).executeTakeFirst()
  const byCustomer = await base()
    .innerJoin('customers', 'customers.id', 'trials.customer_id')
    .where('customers.stripe_customer_id', '=', stripeCustomerId)
    .executeTakeFirst()
  if (byCustomer) return byCustomer
  const email = normalizeEmail(session.customer_details?.email ?? session.customer_email)
  return email ? base().where('trials.email', '=', email).executeTakeFirst() : undefined
}

/**
 * Trial conversion (issue 18): a paid subscription checkout by a customer with an unconverted
 * trial upgrades that same license — same id, deployments and named users — to the plan bought,
 * with a new token and an expiry that follows the paid periods (an expired trial becomes active
 * again), instead of issuing a second license. The trial is marked converted (the trial flag
 * cleared: no more trial reminders, no machine check) and audited `trial.convert`; the new key
 * is mailed. Null when the buyer has no such trial (or its license is revoked or billed).
 *
 * @example
 * ```ts
 * const converted = await convertTrialOnCheckout(trx, tenantId, { session, sub, stripeCustomerId, event, plan: () => planFor(...) }, deps)
 * if (converted) return converted
 * ```
 */
export async function convertTrialOnCheckout(
  trx: Db,
  tenantId: string,
  input: {
    session: Stripe.Checkout.Session
    sub: BillingSubscriptionRow
    stripeCustomerId: string
    event: Stripe.Event
    plan: () => Promise<PlanRow>
  },
  deps: BillingDeps,
): Promise<HandlerOutcome | null> {
  const { session, sub, stripeCustomerId, event } = input
  const trial = await buyersTrial(trx, tenantId, session, stripeCustomerId)
  if (!trial) return null
  const license = await findLicense(trx, tenantId, trial.license_id, { forUpdate: true })
  if (!license || license.status === 'revoked') return null
  const billed = await trx
    .selectFrom('billing_subscriptions')
    .select('stripe_subscription_id')
    .where('license_id', '=', license.id)
    .executeTakeFirst()
  if (billed) return null
  const plan = await input.plan()
  const now = deps.now()
  const actor = stripeActor(event.id)
  if (plan.id !== license.plan_id) await changeLicensePlan(trx, license, plan, actor, now)
  const converted = await trx
    .updateTable('trials')
    .set({ converted_at: now })
    .where('id', '=', trial.id)
    .returningAll()
    .executeTakeFirstOrThrow()
  await recordAudit(trx, {
    tenantId,
    actor,
    action: 'trial.convert',
    targetType: 'license',
    targetId: license.id,
    before: toTrialView(trial),
    after: toTrialView(converted),
    at: now,
  })
  const expiresAt =
    sub.paid_through ??
    sub.current_period_end ??
    new Date(now.getTime() + ((plan.duration_days ?? 0) + PROVISIONAL_DAYS) * DAY_MS)
  const reissued = await reissueToken(trx, tenantId, license.id, actor, deps, {
    expiresAt,
    action: 'license.renew',
  })
  const linked = await updateSubscription(
    trx,
    sub.stripe_subscription_id,
    {
      license_id: license.id,
      customer_id: license.customer_id,
      stripe_customer_id: stripeCustomerId,
      expiry_provisional: sub.paid_through === null,
    },
    now,
  )
  await trx
    .updateTable('customers')
    .set({ stripe_customer_id: stripeCustomerId, updated_at: now })
    .where('id', '=', license.customer_id)
    .where('stripe_customer_id', 'is', null)
    .execute()
  const settled = await reconcileLicense(trx, linked, actor, deps, {
    dedupe: event.id,
    deliver: false,
  })
  const final = settled.license ?? reissued.license
  if (final.status === 'active') {
    await queueLicenseDelivery(trx, final, settled.token ?? reissued.token, {
      reason: 'updated',
      dedupeKey: `${final.id}:converted`,
      now,
    })
  }
  return { status: 'processed', note: `trial license ${license.id} converted` }
}
