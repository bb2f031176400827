import type { EventRow } from '../events/event.table.js'

/**
 * The JSON body of a delivery: `{ id, type, createdAt, data }`. `id` is the event id, the same
 * on every retry and resend, for receivers to de-duplicate on.
 *
 * @example
 * ```ts
 * const body = webhookBody(event)
 * ```
 */
export function webhookBody(event: Pick<EventRow, 'id' | 'type' | 'created_at' | 'data'>): string {
  return JSON.stringify({
    id: event.id,
    type: event.type,
    createdAt: event.created_at.toISOString(),
    data: event.data,
  })
}
