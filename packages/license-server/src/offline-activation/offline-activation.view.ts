import type { OfflineActivationRow } from './offline-activation.table.js'

/** An offline activation as the API shows it. */
export interface OfflineActivationView {
  id: string
  licenseId: string
  /** The deployment row (`dep_...`) holding the seat. */
  deploymentRowId: string
  deploymentId: string
  machineId: string
  appVersion: string | null
  issuedAt: string
  expiresAt: string
  deactivatedAt: string | null
}

/**
 * The API view of an offline activation row (no deployment key, no nonce).
 *
 * @example
 * ```ts
 * reply.send(toOfflineActivationView(row))
 * ```
 */
export function toOfflineActivationView(row: OfflineActivationRow): OfflineActivationView {
  return {
    id: row.id,
    licenseId: row.license_id,
    deploymentRowId: row.deployment_id,
    deploymentId: row.install_id,
    machineId: row.machine_id,
    appVersion: row.app_version,
    issuedAt: row.issued_at.toISOString(),
    expiresAt: row.expires_at.toISOString(),
    deactivatedAt: row.deactivated_at?.toISOString() ?? null,
  }
}
