import { iso } from '../lib/json.js'
import type { LicenseUserRow } from './named-user.table.js'

/** A named user as the API shows it: only the hash the app sent. */
export interface LicenseUserView {
  licenseId: string
  userHash: string
  assignedAt: string
}

/**
 * Row to API object.
 *
 * @example
 * ```ts
 * rows.map(toLicenseUserView)
 * ```
 */
export function toLicenseUserView(row: LicenseUserRow): LicenseUserView {
  return { licenseId: row.license_id, userHash: row.user_hash, assignedAt: iso(row.assigned_at)! }
}

/** Limit of named users on a license: `limits.maxUsers`; 0 or unset means no limit. */
export function maxUsersOf(limits: Readonly<Record<string, number>>): number {
  const max = limits.maxUsers
  return typeof max === 'number' && Number.isFinite(max) && max > 0 ? Math.floor(max) : 0
}
