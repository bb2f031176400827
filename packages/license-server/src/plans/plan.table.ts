import type { LicensePolicy } from '@tollgate/license-client'
import type { ColumnType, Selectable } from 'kysely'

/** What happens to a license when its subscription is cancelled. */
export type CancelBehavior = 'revoke' | 'expire_at_period_end'

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
  created_at: ColumnType<Date, Date, never>
  updated_at: ColumnType<Date, Date, Date>
}

/** Tables of the plans feature. */
export interface PlanTables {
  plans: PlanTable
}

export type PlanRow = Selectable<PlanTable>
