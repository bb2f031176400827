import type { ColumnType, Selectable } from 'kysely'

/** A vendor's customer (the licensee). */
export interface CustomerTable {
  id: string
  tenant_id: string
  name: string
  email: string | null
  external_id: string | null
  stripe_customer_id: string | null
  /** jsonb; write with toJson(). */
  metadata: ColumnType<Record<string, unknown>, string, string>
  created_at: ColumnType<Date, Date, never>
  updated_at: ColumnType<Date, Date, Date>
}

/** Tables of the customers feature. */
export interface CustomerTables {
  customers: CustomerTable
}

export type CustomerRow = Selectable<CustomerTable>
