import { asDate } from '../lib/json.js'
import type { SeatLeaseRow } from './seat-lease.table.js'

/** A held seat lease as the admin API shows it. */
export interface SeatLeaseView {
  id: string
  licenseId: string
  scope: string
  deploymentId: string | null
  address: string | null
  overage: boolean
  checkedOutAt: string
  renewedAt: string
  expiresAt: string
}

/**
 * Row to API object.
 *
 * @example
 * ```ts
 * rows.map(toSeatLeaseView)
 * ```
 */
export function toSeatLeaseView(row: SeatLeaseRow): SeatLeaseView {
  return {
    id: row.id,
    licenseId: row.license_id,
    scope: row.scope,
    deploymentId: row.deployment_id,
    address: row.address,
    overage: row.overage,
    checkedOutAt: asDate(row.checked_out_at).toISOString(),
    renewedAt: asDate(row.renewed_at).toISOString(),
    expiresAt: asDate(row.expires_at).toISOString(),
  }
}
