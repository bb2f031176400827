import type { ColumnType } from 'kysely'

/** What a counter row counts. */
export type RequestKind = 'validation' | 'heartbeat'

/** Every {@link RequestKind}, in chart order. */
export const REQUEST_KINDS: readonly RequestKind[] = ['validation', 'heartbeat']

/**
 * `request_counts`: requests served per tenant, UTC hour and kind (validate / heartbeat), for
 * the console's per-hour chart. Written by {@link RequestCounter} flushes (one upsert per
 * flush, never one write per request); pruned after `requestCountDays` by the retention job.
 */
export interface RequestCountTable {
  tenant_id: string
  /** The start of the UTC hour. */
  hour: Date
  kind: RequestKind
  /** bigint: read as a string. */
  count: ColumnType<string, number | string, number | string>
}

/** The tables of this feature, merged into `Database`. */
export interface RequestCountTables {
  request_counts: RequestCountTable
}
