import type { LicensePolicy } from '@tollgate/license-client'
import type { ColumnType, Selectable } from 'kysely'

/** How a plan is bought through Stripe Checkout. */
export type PurchaseMode = 'subscription' | 'payment'

/** What happens to a license when its subscription is cancelled. */
export type CancelBehavior = 'revoke' | 'expire_at_period_end' | 'downgrade'

/** A plan: a tier with entitlements, limits and policy defaults for the licenses issued on it. */
export interface PlanTable {
  id: string
  tenant_id: string
  name: string
  product: string
  tier: string
  entitlements: ColumnType<string[], string, string>
  limits: ColumnType<Record<string, number>, string, string>
  policy: ColumnType<LicensePolicy, string, string>
  /** Default license duration; null: perpetual. */
  duration_days: number | null
  stripe_price_id: string | null
  past_due_grace_days: number
  cancel_behavior: CancelBehavior
  /** jsonb: days before a license ends at which its customer is reminded; null: 30 and 7. */
  reminder_days: ColumnType<number[] | null, string | null | undefined, string | null>
  /** With cancel_behavior `downgrade`: the (free) plan a cancelled license moves to. */
  downgrade_plan_id: ColumnType<string | null, string | null | undefined, string | null>
  /** Listed on the public plan list (pricing pages). */
  public: ColumnType<boolean, boolean | undefined, boolean>
  /** `subscription`, or `payment`: one-time purchase of a perpetual or fixed-term license. */
  purchase_mode: ColumnType<PurchaseMode, PurchaseMode | undefined, PurchaseMode>
  /** Trials (t18, issue 18): a trial plan's length in days; null: not a trial plan. */
  trial_days: ColumnType<number | null, number | null | undefined, number | null>
  created_at: ColumnType<Date, Date, never>
  updated_at: ColumnType<Date, Date, Date>
}

/** Tables of the plans feature. */
export interface PlanTables {
  plans: PlanTable
}

export type PlanRow = Selectable<PlanTable>
