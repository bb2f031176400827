import { Type } from 'typebox'
import { iso } from '../lib/json.js'
import { DateTime, NullableDateTime, PageQuery } from '../lib/schemas.js'
import type { OutboxMessageRow, OutboxStatus } from './outbox.table.js'

/** An outbox message as the admin API shows it (never the body: it holds a license key). */
export interface OutboxMessageView {
  id: string
  kind: string
  recipient: string
  subject: string
  licenseId: string | null
  status: OutboxStatus
  attempts: number
  nextAttemptAt: string
  lastError: string | null
  createdAt: string
  sentAt: string | null
  updatedAt: string
}

/**
 * Row to API object.
 *
 * @example
 * ```ts
 * reply.send(toOutboxMessageView(row))
 * ```
 */
export function toOutboxMessageView(row: OutboxMessageRow): OutboxMessageView {
  return {
    id: row.id,
    kind: row.kind,
    recipient: row.recipient,
    subject: row.subject,
    licenseId: row.license_id,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: iso(row.next_attempt_at)!,
    lastError: row.last_error,
    createdAt: iso(row.created_at)!,
    sentAt: iso(row.sent_at),
    updatedAt: iso(row.updated_at)!,
  }
}

const Status = Type.Union([Type.Literal('pending'), Type.Literal('sent'), Type.Literal('failed')])

/** JSON schema of {@link OutboxMessageView}. */
export const OutboxMessageSchema = Type.Object(
  {
    id: Type.String(),
    kind: Type.String(),
    recipient: Type.String(),
    subject: Type.String(),
    licenseId: Type.Union([Type.String(), Type.Null()]),
    status: Status,
    attempts: Type.Integer(),
    nextAttemptAt: DateTime,
    lastError: Type.Union([Type.String(), Type.Null()]),
    createdAt: DateTime,
    sentAt: NullableDateTime,
    updatedAt: DateTime,
  },
  { $id: 'OutboxMessage' },
)

/** Query of GET /v1/admin/outbox. */
export const ListOutboxQuery = Type.Object(
  { ...PageQuery, status: Type.Optional(Status) },
  { additionalProperties: false },
)
