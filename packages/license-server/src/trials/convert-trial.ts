import type Stripe from 'stripe'
import { recordAudit } from '../audit/record-audit.js'
import { stripeActor, META, type BillingDeps } from '../billing/billing-deps.js'
import type { BillingSubscriptionRow } from '../billing/billing.table.js'
import { changeLicensePlan } from '../billing/change-license-plan.js'
import type { HandlerOutcome } from '../billing/handler-outcome.js'
import { deliverSettled, linkSubscription } from '../billing/link-subscription.js'
import type { Db } from '../db/database.js'
import { toJson } from '../lib/json.js'
import { findLicense } from '../licenses/license.repository.js'
import type { LicenseRow } from '../licenses/license.table.js'
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
  stripeCustomerId: string | null,
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
  if (stripeCustomerId) {
    const byCustomer = await base()
      .innerJoin('customers', 'customers.id', 'trials.customer_id')
      .where('customers.stripe_customer_id', '=', stripeCustomerId)
      .executeTakeFirst()
    if (byCustomer) return byCustomer
  }
  const email = normalizeEmail(session.customer_details?.email ?? session.customer_email)
  return email ? base().where('trials.email', '=', email).executeTakeFirst() : undefined
}

/** A trial the checkout converts, with its license (locked); null when there is none to convert. */
async function convertible(
  trx: Db,
  tenantId: string,
  session: Stripe.Checkout.Session,
  stripeCustomerId: string | null,
): Promise<{ trial: TrialRow; license: LicenseRow } | null> {
  const trial = await buyersTrial(trx, tenantId, session, stripeCustomerId)
  if (!trial) return null
  const license = await findLicense(trx, tenantId, trial.license_id, { forUpdate: true })
  if (!license || license.status === 'revoked') return null
  const billed = await trx
    .selectFrom('billing_subscriptions')
    .select('stripe_subscription_id')
    .where('license_id', '=', license.id)
    .executeTakeFirst()
  return billed ? null : { trial, license }
}

/**
 * The conversion itself, shared by both checkout modes: the license moves to the plan bought,
 * the trial is marked converted (no more reminders, no machine check) and audited
 * `trial.convert`, `metadata` is merged into the license, and a new token is signed with
 * `expiresAt` (an expired trial becomes active again).
 */
async function convert(
  trx: Db,
  tenantId: string,
  found: { trial: TrialRow; license: LicenseRow },
  input: { plan: PlanRow; event: Stripe.Event; expiresAt: Date | null; metadata?: object },
  deps: BillingDeps,
): Promise<{ license: LicenseRow; token: string }> {
  const { trial, license } = found
  const now = deps.now()
  const actor = stripeActor(input.event.id)
  if (input.plan.id !== license.plan_id) {
    await changeLicensePlan(trx, license, input.plan, actor, now)
  }
  if (input.metadata) {
    // The checkout session on the license is what makes a replayed payment event a no-op.
    await trx
      .updateTable('licenses')
      .set({ metadata: toJson({ ...license.metadata, ...input.metadata }), updated_at: now })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', license.id)
      .execute()
  }
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
  return reissueToken(trx, tenantId, license.id, actor, deps, {
    expiresAt: input.expiresAt,
    action: 'license.renew',
  })
}

/**
 * Trial conversion by a paid subscription checkout (issue 18): a buyer with an unconverted trial
 * gets that same license — same id, deployments and named users — upgraded to the plan bought,
 * with a new token whose expiry follows the paid periods, instead of a second license. The new
 * key is mailed. Null when the buyer has no such trial (or its license is revoked or billed).
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
  const found = await convertible(trx, tenantId, session, stripeCustomerId)
  if (!found) return null
  const plan = await input.plan()
  const now = deps.now()
  const expiresAt =
    sub.paid_through ??
    sub.current_period_end ??
    new Date(now.getTime() + ((plan.duration_days ?? 0) + PROVISIONAL_DAYS) * DAY_MS)
  const reissued = await convert(trx, tenantId, found, { plan, event, expiresAt }, deps)
  const settled = await linkSubscription(
    trx,
    {
      sub,
      license: found.license,
      stripeCustomerId,
      provisional: sub.paid_through === null,
      actor: stripeActor(event.id),
      dedupe: event.id,
    },
    deps,
  )
  const id = found.license.id
  await deliverSettled(trx, settled, reissued, {
    reason: 'updated',
    dedupeKey: `${id}:converted`,
    now,
  })
  return { status: 'processed', note: `trial license ${id} converted`, trialConverted: true }
}

/**
 * Trial conversion by a paid one-time checkout (`mode: payment`): like the subscription case,
 * the buyer's trial license is upgraded in place (same id, new token), perpetual or for the
 * plan's `durationDays` from now. The license records the checkout session, so a replayed event
 * finds it and issues nothing. Null when the buyer has no trial to convert.
 *
 * @example
 * ```ts
 * const converted = await convertTrialOnPayment(trx, tenantId, { session, event, plan }, deps)
 * ```
 */
export async function convertTrialOnPayment(
  trx: Db,
  tenantId: string,
  input: {
    session: Stripe.Checkout.Session
    event: Stripe.Event
    plan: PlanRow
    metadata: object
  },
  deps: BillingDeps,
): Promise<HandlerOutcome | null> {
  const { session, plan } = input
  const stripeCustomerId =
    typeof session.customer === 'string' ? session.customer : (session.customer?.id ?? null)
  const found = await convertible(trx, tenantId, session, stripeCustomerId)
  if (!found) return null
  const now = deps.now()
  const expiresAt =
    plan.duration_days === null ? null : new Date(now.getTime() + plan.duration_days * DAY_MS)
  const reissued = await convert(trx, tenantId, found, { ...input, expiresAt }, deps)
  if (stripeCustomerId) {
    await trx
      .updateTable('customers')
      .set({ stripe_customer_id: stripeCustomerId, updated_at: now })
      .where('id', '=', found.license.customer_id)
      .where('stripe_customer_id', 'is', null)
      .execute()
  }
  await deliverSettled(trx, { license: undefined, changes: [] }, reissued, {
    reason: 'updated',
    dedupeKey: `${reissued.license.id}:converted`,
    now,
  })
  const note = `trial license ${reissued.license.id} converted (one-time payment)`
  return { status: 'processed', note, trialConverted: true }
}
