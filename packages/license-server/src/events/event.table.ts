import type { ColumnType, Selectable } from 'kysely'

/**
 * One lifecycle event (`license.created`, `deployment.activated`, ...), written in the same
 * transaction as the change it describes: the outbox the webhook worker delivers from.
 */
export interface EventTable {
  id: string
  /** bigserial; pg returns it as a string. Orders events of one license by commit. */
  seq: ColumnType<string, never, never>
  tenant_id: string
  type: string
  license_id: string | null
  subject_type: string
  subject_id: string
  data: ColumnType<unknown, string, never>
  dedupe_key: string | null
  created_at: Date
}

/** Tables of the events feature (issue 19). */
export interface EventTables {
  events: EventTable
}

export type EventRow = Selectable<EventTable>
