import type { ColumnType, Selectable } from 'kysely'

/** `pending` (due at `next_attempt_at`), `sent`, or `failed` (gave up after the last attempt). */
export type OutboxStatus = 'pending' | 'sent' | 'failed'

/**
 * A message to a buyer (their license key and how to install it), written in the same
 * transaction as the change it announces and delivered later by the outbox worker with
 * retries. `dedupe_key` is unique so a re-run of the same change never queues it twice.
 */
export interface OutboxMessageTable {
  id: string
  tenant_id: string
  /** `license.issued`, `license.reissued`. */
  kind: string
  dedupe_key: string
  recipient: string
  subject: string
  /** Plain-text body. Holds the license key until sent, then it is cleared. */
  body: string | null
  license_id: string | null
  status: OutboxStatus
  attempts: ColumnType<number, number | undefined, number>
  next_attempt_at: Date
  last_error: string | null
  created_at: ColumnType<Date, Date, never>
  sent_at: Date | null
  updated_at: Date
}

/** Tables of the outbox feature (issue 7). */
export interface OutboxTables {
  outbox_messages: OutboxMessageTable
}

export type OutboxMessageRow = Selectable<OutboxMessageTable>
