import type { LicensePolicy } from '@tollgate/license-client'
import { iso } from '../lib/json.js'
import type { CancelBehavior, PlanRow } from './plan.table.js'

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
    createdAt: iso(row.created_at)!,
    updatedAt: iso(row.updated_at)!,
  }
}
