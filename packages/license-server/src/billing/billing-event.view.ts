import { iso } from '../lib/json.js'
import type { BillingEventRow, BillingEventStatus } from './billing.table.js'

/** A stored event as the admin API shows it. */
export interface BillingEventView {
  id: string
  stripeEventId: string
  type: string
  objectId: string | null
  livemode: boolean
  status: BillingEventStatus
  note: string | null
  error: string | null
  attempts: number
  stripeCreatedAt: string
  receivedAt: string
  processedAt: string | null
  updatedAt: string
  /** Only on the single-event read. */
  payload?: unknown
}

/**
 * Row to API object; `withPayload` adds the verified event as received.
 *
 * @example
 * ```ts
 * reply.send(toBillingEventView(row, true))
 * ```
 */
export function toBillingEventView(row: BillingEventRow, withPayload = false): BillingEventView {
  return {
    id: row.id,
    stripeEventId: row.stripe_event_id,
    type: row.type,
    objectId: row.object_id,
    livemode: row.livemode,
    status: row.status,
    note: row.note,
    error: row.error,
    attempts: row.attempts,
    stripeCreatedAt: iso(row.stripe_created_at)!,
    receivedAt: iso(row.received_at)!,
    processedAt: iso(row.processed_at),
    updatedAt: iso(row.updated_at)!,
    ...(withPayload ? { payload: row.payload } : {}),
  }
}
