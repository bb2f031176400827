import type { AuditActor } from '../audit/audit-actor.js'
import type { Db } from '../db/database.js'
import { findLicense } from '../licenses/license.repository.js'
import type { LicenseRow } from '../licenses/license.table.js'
import type { LicensingDeps } from '../licenses/licensing-deps.js'
import { reissueToken } from '../licenses/reissue-token.js'
import { updateLicenseStatus } from '../licenses/update-license-status.js'
import { findPlan, findPlanByStripePrice } from '../plans/plan.repository.js'
import type { PlanRow } from '../plans/plan.table.js'
import { REASONS } from './billing-deps.js'
import type { BillingSubscriptionRow } from './billing.table.js'
import { updateSubscription } from './billing-subscription.repository.js'
import { changeLicensePlan } from './change-license-plan.js'
import { queueLicenseDelivery } from './deliver-license.js'
import { downgradeOnCancel } from './downgrade-on-cancel.js'
import { ARREARS, ENDED } from './subscription-state.js'

const DAY_MS = 86_400_000

/** What {@link reconcileLicense} did. */
export interface ReconcileResult {
  license: LicenseRow | undefined
  /** The new token, when one was signed (plan change or new expiry). */
  token?: string
  changes: string[]
}

function sameTime(a: Date | null, b: Date | null): boolean {
  return (a?.getTime() ?? null) === (b?.getTime() ?? null)
}

/** Plan the subscription's price maps to; the license's own plan when unmapped. */
async function targetPlan(
  trx: Db,
  sub: BillingSubscriptionRow,
  license: LicenseRow,
): Promise<PlanRow> {
  const mapped = sub.stripe_price_id
    ? await findPlanByStripePrice(trx, sub.tenant_id, sub.stripe_price_id)
    : undefined
  return mapped ?? (await findPlan(trx, sub.tenant_id, license.plan_id))!
}

/**
 * Makes the license match its subscription row, the single source of truth: plan (price ->
 * plan), status (arrears past the plan's grace -> suspended; paid again -> reinstated; canceled
 * -> revoked or expiring at period end per the plan's `cancelBehavior`) and expiry (the paid
 * period). Idempotent: with nothing to change it changes nothing, so the past-due sweep and
 * every event can call it freely. A new token is queued for the buyer when one is signed.
 *
 * @example
 * ```ts
 * await reconcileLicense(trx, sub, stripeActor(event.id), app.tollgate, { dedupe: event.id })
 * ```
 */
export async function reconcileLicense(
  trx: Db,
  sub: BillingSubscriptionRow,
  actor: AuditActor,
  deps: LicensingDeps,
  opts: { dedupe: string; deliver?: boolean },
): Promise<ReconcileResult> {
  const changes: string[] = []
  if (!sub.license_id) return { license: undefined, changes }
  let license = await findLicense(trx, sub.tenant_id, sub.license_id, { forUpdate: true })
  if (!license || license.status === 'revoked') return { license, changes }
  const now = deps.now()
  const plan = await targetPlan(trx, sub, license)
  let resign = false
  if (plan.id !== license.plan_id) {
    license = await changeLicensePlan(trx, license, plan, actor, now)
    changes.push(`plan:${plan.id}`)
    resign = true
  }
  const status = (action: 'suspend' | 'reinstate' | 'revoke', reason: string) =>
    updateLicenseStatus(trx, sub.tenant_id, license!.id, action, { reason }, actor, deps)
  const billingSuspended =
    license.status === 'suspended' && (license.status_reason ?? '').startsWith('billing:')

  let expiresAt: Date | null | undefined
  const before = license.expires_at
  if (ENDED.has(sub.status)) {
    const free =
      plan.cancel_behavior === 'downgrade' && plan.downgrade_plan_id
        ? await findPlan(trx, sub.tenant_id, plan.downgrade_plan_id)
        : undefined
    if (free) return downgradeOnCancel(trx, sub, license, free, actor, deps, opts.dedupe)
    if (plan.cancel_behavior === 'revoke') {
      license = await status('revoke', REASONS.canceled)
      changes.push('revoke')
      return { license, changes }
    }
    // Expire at the end of what was paid for; the license stays usable until then.
    const end = sub.paid_through ?? sub.current_period_end ?? sub.canceled_at ?? now
    if (!sameTime(license.expires_at, end)) expiresAt = end
  } else {
    const paid = sub.paid_through
    if (
      paid &&
      (sub.expiry_provisional || license.expires_at === null || paid > license.expires_at) &&
      !sameTime(license.expires_at, paid)
    ) {
      // A subscription license ends with its paid period (the guess made at checkout, too).
      expiresAt = paid
    }
    const inArrears = ARREARS.has(sub.status) && sub.past_due_since !== null
    const graceOver =
      inArrears &&
      now.getTime() >= sub.past_due_since!.getTime() + plan.past_due_grace_days * DAY_MS
    if (graceOver && license.status === 'active') {
      license = await status('suspend', REASONS.pastDue)
      changes.push('suspend')
    } else if (sub.status === 'paused' && license.status === 'active') {
      license = await status('suspend', REASONS.paused)
      changes.push('suspend')
    } else if (!inArrears && sub.status !== 'paused' && billingSuspended) {
      license = await status('reinstate', 'billing:paid')
      changes.push('reinstate')
    }
  }
  if (sub.expiry_provisional && expiresAt !== undefined && sub.paid_through) {
    await updateSubscription(trx, sub.stripe_subscription_id, { expiry_provisional: false }, now)
  }
  if (expiresAt === undefined && !resign) return { license, changes }
  const renewed = await reissueToken(trx, sub.tenant_id, license.id, actor, deps, {
    ...(expiresAt === undefined ? {} : { expiresAt, action: 'license.renew' }),
  })
  if (expiresAt !== undefined) changes.push(`expires:${expiresAt?.toISOString() ?? 'never'}`)
  // A new key is mailed when it grants more (longer, or another plan). An ending subscription
  // or a shortened checkout guess changes the stored expiry only: the key in hand still works
  // until then, and online checks follow the row.
  const grows =
    expiresAt !== undefined &&
    before !== null &&
    (expiresAt === null || expiresAt.getTime() > before.getTime())
  const deliver = opts.deliver !== false && !ENDED.has(sub.status) && (resign || grows)
  if (deliver && renewed.license.status === 'active') {
    await queueLicenseDelivery(trx, renewed.license, renewed.token, {
      reason: resign ? 'updated' : 'renewed',
      dedupeKey: `${renewed.license.id}:${opts.dedupe}`,
      now,
    })
  }
  return { license: renewed.license, token: renewed.token, changes }
}
