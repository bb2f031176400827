import type { ColumnType, Selectable } from 'kysely'

/** One audited mutation. */
export interface AuditLogTable {
  id: string
  tenant_id: string
  at: Date
  /** Who: `key:<apiKeyId>`, `system`, `stripe:<eventId>`... */
  actor: string
  action: string
  target_type: string
  target_id: string
  before: ColumnType<unknown, string, never>
  after: ColumnType<unknown, string, never>
  request_id: string | null
  ip: string | null
}

/** Tables of the audit feature. */
export interface AuditTables {
  audit_log: AuditLogTable
}

export type AuditRow = Selectable<AuditLogTable>
