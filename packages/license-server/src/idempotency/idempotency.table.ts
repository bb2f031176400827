import type { Selectable } from 'kysely'

/**
 * One Idempotency-Key of the admin API: `in_progress` while the first request runs, then `done`
 * with the answer to replay. Keys live 24 h.
 */
export interface IdempotencyKeyTable {
  tenant_id: string
  key: string
  /** SHA-256 of method, path and body: the same key with another request is a conflict. */
  request_hash: string
  status: 'in_progress' | 'done'
  response_status: number | null
  response_body: string | null
  created_at: Date
  updated_at: Date
}

/** Tables of the idempotency feature (issue 19). */
export interface IdempotencyTables {
  idempotency_keys: IdempotencyKeyTable
}

export type IdempotencyKeyRow = Selectable<IdempotencyKeyTable>
