import type { LicensePolicy } from '@tollgate/license-client'
import type { ColumnType, Selectable } from 'kysely'

/** Stored license status. Expiry is also judged from `expires_at` at validation time. */
export type LicenseStatus = 'active' | 'suspended' | 'revoked' | 'expired'

/** An issued license. Its token is not stored: it is re-signable from this row. */
export interface LicenseTable {
  id: string
  tenant_id: string
  customer_id: string
  plan_id: string
  product: string
  tier: string
  status: LicenseStatus
  status_reason: string | null
  entitlements: ColumnType<string[], string, string>
  limits: ColumnType<Record<string, number>, string, string>
  policy: ColumnType<LicensePolicy, string, string>
  metadata: ColumnType<Record<string, unknown>, string, string>
  /** The signing key of the latest token. */
  kid: string
  deployment_id: string | null
  issued_at: Date
  expires_at: Date | null
  suspended_at: Date | null
  revoked_at: Date | null
  created_at: ColumnType<Date, Date, never>
  updated_at: ColumnType<Date, Date, Date>
}

/** Tables of the licenses feature. */
export interface LicenseTables {
  licenses: LicenseTable
}

export type LicenseRow = Selectable<LicenseTable>
