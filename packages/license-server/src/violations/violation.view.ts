import { iso } from '../lib/json.js'
import type { ViolationRow, ViolationSeverity, ViolationSource } from './violation.table.js'

/** A violation as the admin API shows it. */
export interface ViolationView {
  id: string
  licenseId: string
  deploymentId: string | null
  kind: string
  severity: ViolationSeverity
  source: ViolationSource
  details: Record<string, unknown>
  address: string | null
  occurrences: number
  createdAt: string
  lastSeenAt: string
}

/** Row to API object. */
export function toViolationView(row: ViolationRow): ViolationView {
  return {
    id: row.id,
    licenseId: row.license_id,
    deploymentId: row.install_id,
    kind: row.kind,
    severity: row.severity,
    source: row.source,
    details: row.details,
    address: row.address,
    occurrences: row.occurrences,
    createdAt: iso(row.created_at)!,
    lastSeenAt: iso(row.last_seen_at)!,
  }
}
