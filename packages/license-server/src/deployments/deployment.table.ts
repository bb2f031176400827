import type { ColumnType, Selectable } from 'kysely'

/**
 * Lifecycle of a deployment row. Only `active` holds a seat. `refused` records an activation
 * turned away by the seat limit: it holds no seat, but it counts as a distinct deployment for
 * key-sharing detection and shows up in the admin list.
 */
export type DeploymentStatus = 'active' | 'inactive' | 'dead' | 'refused'

/** Why a deployment stopped holding a seat (`customer`: freed from the customer portal). */
export type DeactivationReason = 'client' | 'admin' | 'dead' | 'customer'

/** Optional fingerprint components a client reports on activation. */
export interface DeploymentFingerprint {
  hostname?: string
  machineId?: string
  /** A container hint: a runtime name, or true when the client detected one. */
  container?: string | boolean
}

/** One running install of a license, keyed by the install id the client generates. */
export interface DeploymentTable {
  /** Server id, `dep_...`. */
  id: string
  tenant_id: string
  license_id: string
  /** The client's persisted install id (`deploymentId` in the API and in leases). */
  install_id: string
  status: DeploymentStatus
  fingerprint: ColumnType<DeploymentFingerprint, string, string>
  app_version: string | null
  last_address: string | null
  activated_at: Date
  /** Written by the heartbeat coalescer; never moves backwards. */
  last_seen_at: Date
  /** When the culler may mark it dead (null unless active); see `dead-deadline.ts`. */
  dead_after: ColumnType<Date | null, Date | null | undefined, Date | null>
  deactivated_at: Date | null
  deactivated_reason: DeactivationReason | null
  created_at: ColumnType<Date, Date, never>
  updated_at: ColumnType<Date, Date, Date>
}

/** Source addresses seen per license, for key-sharing detection. */
export interface LicenseAddressTable {
  license_id: string
  address: string
  tenant_id: string
  first_seen_at: ColumnType<Date, Date, never>
  last_seen_at: Date
}

/** Tables of the deployments feature. */
export interface DeploymentTables {
  deployments: DeploymentTable
  license_addresses: LicenseAddressTable
}

export type DeploymentRow = Selectable<DeploymentTable>
