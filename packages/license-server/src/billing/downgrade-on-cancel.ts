import type { AuditActor } from '../audit/audit-actor.js'
import type { Db } from '../db/database.js'
import type { LicenseRow } from '../licenses/license.table.js'
import type { LicensingDeps } from '../licenses/licensing-deps.js'
import { reissueToken } from '../licenses/reissue-token.js'
import { updateLicenseStatus } from '../licenses/update-license-status.js'
import type { PlanRow } from '../plans/plan.table.js'
import { updateSubscription } from './billing-subscription.repository.js'
import type { BillingSubscriptionRow } from './billing.table.js'
import { changeLicensePlan } from './change-license-plan.js'
import { queueLicenseDelivery } from './deliver-license.js'

const DAY_MS = 86_400_000

/**
 * Cancellation with `cancelBehavior: 'downgrade'`: the license moves to the plan's
 * `downgradePlanId` (a free tier) — same id, entitlements and limits of the free plan, expiry
 * from its `durationDays` (perpetual without), reinstated if billing had suspended it — and is
 * detached from the ended subscription, so later events of it no longer touch the license. The
 * new key is mailed.
 *
 * @example
 * ```ts
 * const r = await downgradeOnCancel(trx, sub, license, freePlan, actor, deps, event.id)
 * ```
 */
export async function downgradeOnCancel(
  trx: Db,
  sub: BillingSubscriptionRow,
  license: LicenseRow,
  free: PlanRow,
  actor: AuditActor,
  deps: LicensingDeps,
  dedupe: string,
): Promise<{ license: LicenseRow; token: string; changes: string[] }> {
  const now = deps.now()
  const changes = [`downgrade:${free.id}`]
  let current = await changeLicensePlan(trx, license, free, actor, now)
  if (current.status === 'suspended' && (current.status_reason ?? '').startsWith('billing:')) {
    current = await updateLicenseStatus(
      trx,
      sub.tenant_id,
      current.id,
      'reinstate',
      { reason: 'billing:downgraded' },
      actor,
      deps,
    )
    changes.push('reinstate')
  }
  const expiresAt =
    free.duration_days === null ? null : new Date(now.getTime() + free.duration_days * DAY_MS)
  const renewed = await reissueToken(trx, sub.tenant_id, current.id, actor, deps, {
    expiresAt,
    action: 'license.renew',
  })
  await updateSubscription(trx, sub.stripe_subscription_id, { license_id: null }, now)
  if (renewed.license.status === 'active') {
    await queueLicenseDelivery(trx, renewed.license, renewed.token, {
      reason: 'updated',
      dedupeKey: `${renewed.license.id}:${dedupe}`,
      now,
    })
  }
  return { license: renewed.license, token: renewed.token, changes }
}
