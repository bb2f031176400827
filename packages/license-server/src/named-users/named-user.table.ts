import type { Selectable } from 'kysely'

/** A named user assigned to a license, known only by a salted hash of the app's user id. */
export interface LicenseUserTable {
  license_id: string
  user_hash: string
  tenant_id: string
  assigned_at: Date
}

/** Tables of the named-users feature. */
export interface NamedUserTables {
  license_users: LicenseUserTable
}

export type LicenseUserRow = Selectable<LicenseUserTable>
