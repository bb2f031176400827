import type { ColumnType, Generated } from 'kysely'
import type { LicenseStatus } from '../licenses/license.table.js'

/**
 * One change of a license into or out of `revoked` / `suspended`, written by a trigger on
 * `licenses` (migration 2026120640_scale). Its `seq` is the version of the tenant's
 * revocation list; changes are handed out in commit order per tenant.
 */
export interface RevocationChangeTable {
  seq: Generated<string>
  tenant_id: string
  license_id: string
  /** The license's status after the change. */
  status: LicenseStatus
  at: ColumnType<Date, Date | undefined, never>
}

/** The revocation feature's tables. */
export interface RevocationTables {
  revocation_changes: RevocationChangeTable
}
