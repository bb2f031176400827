import type { ColumnType, Selectable } from 'kysely'

/** A vendor organisation; every other row belongs to exactly one tenant. */
export interface TenantTable {
  id: string
  name: string
  created_at: ColumnType<Date, Date, never>
  updated_at: ColumnType<Date, Date, Date>
  /** The tenant whose owner key created this one by `tollgate import` (else null). */
  imported_by: ColumnType<string | null, string | null | undefined, string | null>
}

/** Tables of the tenants feature. */
export interface TenantTables {
  tenants: TenantTable
}

export type TenantRow = Selectable<TenantTable>
