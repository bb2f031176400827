import type { ColumnType } from 'kysely'

/** One received usage batch: the idempotency record (unique per tenant and batch id). */
export interface UsageBatchTable {
  tenant_id: string
  batch_id: string
  license_id: string
  /** The client's install id that sent it. */
  install_id: string
  counters: number
  received_at: Date
}

/** Usage summed per license, metric and UTC day. */
export interface UsageCounterTable {
  tenant_id: string
  license_id: string
  metric: string
  /** UTC day as `YYYY-MM-DD` (a `date` column, read back as text). */
  day: ColumnType<string, string, never>
  /** numeric: exact sums; pg returns it as a string. */
  amount: ColumnType<string, string | number, string | number>
  updated_at: Date
}

/** Tables of the usage feature. */
export interface UsageTables {
  usage_batches: UsageBatchTable
  usage_counters: UsageCounterTable
}
