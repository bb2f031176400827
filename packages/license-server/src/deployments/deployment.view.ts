import { iso } from '../lib/json.js'
import type {
  DeactivationReason,
  DeploymentFingerprint,
  DeploymentRow,
  DeploymentStatus,
} from './deployment.table.js'

/** A deployment as the admin API shows it. */
export interface DeploymentView {
  /** Server id (`dep_...`), used by `POST /v1/admin/deployments/:id/deactivate`. */
  id: string
  licenseId: string
  /** The client's install id. */
  deploymentId: string
  status: DeploymentStatus
  fingerprint: DeploymentFingerprint
  appVersion: string | null
  /** Source address of the latest activation or heartbeat. */
  address: string | null
  activatedAt: string
  lastSeenAt: string
  deactivatedAt: string | null
  deactivatedReason: DeactivationReason | null
  createdAt: string
  updatedAt: string
}

/**
 * Row to API object. `pendingSeenAt` is a newer last-seen time still held by the heartbeat
 * coalescer, so the list never shows a deployment older than it is.
 */
export function toDeploymentView(row: DeploymentRow, pendingSeenAt?: Date): DeploymentView {
  const seen = pendingSeenAt && pendingSeenAt > row.last_seen_at ? pendingSeenAt : row.last_seen_at
  return {
    id: row.id,
    licenseId: row.license_id,
    deploymentId: row.install_id,
    status: row.status,
    fingerprint: row.fingerprint,
    appVersion: row.app_version,
    address: row.last_address,
    activatedAt: iso(row.activated_at)!,
    lastSeenAt: iso(seen)!,
    deactivatedAt: iso(row.deactivated_at),
    deactivatedReason: row.deactivated_reason,
    createdAt: iso(row.created_at)!,
    updatedAt: iso(row.updated_at)!,
  }
}
