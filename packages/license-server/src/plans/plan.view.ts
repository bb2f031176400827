import type { LicensePolicy } from '@tollgate/license-client'
import { iso } from '../lib/json.js'
import type { CancelBehavior, PlanRow, PurchaseMode } from './plan.table.js'

/** A plan as the API shows it. */
export interface PlanView {
  id: string
  name: string
  product: string
  tier: string
  entitlements: string[]
  limits: Record<string, number>
  policy: LicensePolicy
  durationDays: number | null
  stripePriceId: string | null
  pastDueGraceDays: number
  cancelBehavior: CancelBehavior
  /** Days before a license ends at which its customer is reminded. */
  reminderDays: readonly number[]
  public: boolean
  downgradePlanId: string | null
  purchaseMode: PurchaseMode
  /** Trials: the trial length in days; null: not a trial plan. */
  trialDays: number | null
  createdAt: string
  updatedAt: string
}

/** Reminder days of a plan that sets none. */
export const DEFAULT_REMINDER_DAYS: readonly number[] = [30, 7]

/** Row to API object. */
export function toPlanView(row: PlanRow): PlanView {
  return {
    id: row.id,
    name: row.name,
    product: row.product,
    tier: row.tier,
    entitlements: row.entitlements,
    limits: row.limits,
    policy: row.policy,
    durationDays: row.duration_days,
    stripePriceId: row.stripe_price_id,
    pastDueGraceDays: row.past_due_grace_days,
    cancelBehavior: row.cancel_behavior,
    reminderDays: row.reminder_days ?? DEFAULT_REMINDER_DAYS,
    public: row.public,
    downgradePlanId: row.downgrade_plan_id,
    purchaseMode: row.purchase_mode,
    trialDays: row.trial_days,
    createdAt: iso(row.created_at)!,
    updatedAt: iso(row.updated_at)!,
  }
}
