import type { ColumnType, Kysely, Selectable } from 'kysely'

/** A seat lease handed out by a relay: held while `expires_at` is in the future. */
export interface RelayLeaseTable {
  id: string
  license_id: string
  /** The app's scope string: one lease per scope. */
  scope: string
  deployment_id: string | null
  address: string | null
  overage: boolean
  /** The pool (`jti`) the lease was granted under. */
  pool_id: string
  checked_out_at: ColumnType<Date, Date, never>
  renewed_at: Date
  expires_at: Date
}

/** The relay's own database (embedded PGlite under its data dir): leases only. */
export interface RelayDatabase {
  relay_leases: RelayLeaseTable
}

export type RelayDb = Kysely<RelayDatabase>
export type RelayLeaseRow = Selectable<RelayLeaseTable>
