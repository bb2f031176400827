import type { ColumnType, Selectable } from 'kysely'

/** One machine file issued for an air-gapped machine (issue 18). */
export interface OfflineActivationTable {
  /** `oac_...`; the machine file's `jti`. */
  id: string
  tenant_id: string
  license_id: string
  /** The deployment row (`dep_...`) whose seat the machine file holds. */
  deployment_id: string
  /** The client's deployment id from the request. */
  install_id: string
  /** The fingerprint (`machineId`) the file is bound to. */
  machine_id: string
  /** `x` of the deployment's Ed25519 key: verifies its deactivation proof. */
  deployment_key: string
  nonce: string
  app_version: string | null
  issued_at: Date
  expires_at: Date
  deactivated_at: Date | null
  /** The audit actor that issued it. */
  created_by: string
  created_at: ColumnType<Date, Date, never>
}

/** Tables of the offline-activation feature. */
export interface OfflineActivationTables {
  offline_activations: OfflineActivationTable
}

export type OfflineActivationRow = Selectable<OfflineActivationTable>
