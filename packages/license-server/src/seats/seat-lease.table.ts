import type { ColumnType, Selectable } from 'kysely'

/** A floating seat lease: held while `expires_at` is in the future. */
export interface SeatLeaseTable {
  id: string
  tenant_id: string
  license_id: string
  /** The app's scope string (a process, a user session...): one lease per scope. */
  scope: string
  /** The client's install id, when it sent one. */
  deployment_id: string | null
  address: string | null
  /** True when the seat was granted beyond `seats` (allowed overage). */
  overage: boolean
  checked_out_at: ColumnType<Date, Date, never>
  renewed_at: Date
  expires_at: Date
}

/** Tables of the seats feature. */
export interface SeatTables {
  seat_leases: SeatLeaseTable
}

export type SeatLeaseRow = Selectable<SeatLeaseTable>
