import type { ColumnType, Selectable } from 'kysely'

/** A signed pool file: `seats` floating seats of a license held by one relay until `expires_at`. */
export interface SeatPoolTable {
  id: string
  tenant_id: string
  license_id: string
  seats: number
  lease_ttl_s: number
  overage: string
  /** Thumbprint of the relay's public key (the pool file's `rk.kid`). */
  relay_kid: string
  /** The relay's public key, `x` of the JWK (base64url). */
  relay_key: string
  /** Hashed machine fingerprint from the relay request. */
  machine_id: string
  hostname: string
  not_before: Date
  expires_at: Date
  created_by: string
  created_at: ColumnType<Date, Date, never>
}

/** Tables of the seat-pools feature. */
export interface SeatPoolTables {
  seat_pools: SeatPoolTable
}

export type SeatPoolRow = Selectable<SeatPoolTable>
