import type { ColumnType, Selectable } from 'kysely'

/** An admin API key. Only the SHA-256 of the secret is stored. */
export interface ApiKeyTable {
  id: string
  tenant_id: string
  name: string
  key_hash: string
  /** Shown in listings so people can tell keys apart, e.g. `tg_admin_Ab12Cd34`. */
  prefix: string
  scopes: ColumnType<string[], string, string>
  created_by: string
  created_at: ColumnType<Date, Date, never>
  last_used_at: Date | null
  revoked_at: Date | null
}

/** Tables of the api-keys feature. */
export interface ApiKeyTables {
  api_keys: ApiKeyTable
}

export type ApiKeyRow = Selectable<ApiKeyTable>
