import type { ColumnType, Selectable } from 'kysely'

/** How bad a violation is. */
export type ViolationSeverity = 'low' | 'medium' | 'high' | 'critical'

/** Who raised it: a client report, or the server's own detection (key sharing). */
export type ViolationSource = 'client' | 'server'

/**
 * A reported or detected violation. Repeats of the same report (license, deployment, kind,
 * source) within an hour bump `occurrences` instead of adding rows.
 */
export interface ViolationTable {
  /** `vio_...` */
  id: string
  tenant_id: string
  license_id: string
  install_id: string | null
  kind: string
  severity: ViolationSeverity
  source: ViolationSource
  details: ColumnType<Record<string, unknown>, string, string>
  address: string | null
  occurrences: ColumnType<number, number, number>
  created_at: ColumnType<Date, Date, never>
  last_seen_at: Date
}

/** Tables of the violations feature. */
export interface ViolationTables {
  violations: ViolationTable
}

export type ViolationRow = Selectable<ViolationTable>
