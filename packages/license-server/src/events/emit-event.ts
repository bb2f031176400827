import { sql } from 'kysely'
import type { Db } from '../db/database.js'
import { newId } from '../lib/ids.js'
import { toJson } from '../lib/json.js'
import type { EventType } from './event-types.js'

/** How long deliveries of an event are retried (3 days). */
export const WEBHOOK_RETRY_WINDOW_MS = 3 * 86_400_000

/** An event to record. */
export interface EventInput {
  tenantId: string
  type: EventType
  /** Deliveries of one license reach each endpoint in order. */
  licenseId?: string | null
  subjectType: string
  subjectId: string
  /** The payload's `data` (views, never secrets). */
  data: unknown
  at: Date
  /** Makes the event exist once (reminders): a second emit with the key is a no-op. */
  dedupeKey?: string
  /** Deliver only to this endpoint (test events); default every matching enabled endpoint. */
  endpointId?: string
}

/**
 * Records an event in the caller's transaction and queues one delivery per enabled endpoint of
 * the tenant that subscribes to its type, so the event exists exactly when the change does
 * and a rollback leaves nothing to deliver. Returns the event id, or null when `dedupeKey` was
 * already used.
 *
 * @example
 * ```ts
 * await emitEvent(trx, { tenantId, type: 'deployment.activated', licenseId, subjectType: 'deployment', subjectId: dep.id, data: view, at: now })
 * ```
 */
export async function emitEvent(db: Db, e: EventInput): Promise<string | null> {
  const row = await db
    .insertInto('events')
    .values({
      id: newId('evt'),
      tenant_id: e.tenantId,
      type: e.type,
      license_id: e.licenseId ?? null,
      subject_type: e.subjectType,
      subject_id: e.subjectId,
      data: toJson(e.data ?? null),
      dedupe_key: e.dedupeKey ?? null,
      created_at: e.at,
    })
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .returning(['id', 'seq'])
    .executeTakeFirst()
  if (!row) return null
  const area = `${e.type.split('.')[0]}.*`
  let q = db
    .selectFrom('webhook_endpoints')
    .select('id')
    .where('tenant_id', '=', e.tenantId)
    .where('status', '=', 'enabled')
  q = e.endpointId
    ? q.where('id', '=', e.endpointId)
    : q.where(sql<boolean>`event_types ?| array[${e.type}, ${area}, '*']`)
  const endpoints = await q.execute()
  if (endpoints.length > 0) {
    await db
      .insertInto('webhook_deliveries')
      .values(
        endpoints.map((ep) => ({
          id: newId('whd'),
          tenant_id: e.tenantId,
          endpoint_id: ep.id,
          event_id: row.id,
          event_seq: String(row.seq),
          order_key: e.licenseId ?? row.id,
          status: 'pending' as const,
          attempts: 0,
          next_attempt_at: e.at,
          retry_until: new Date(e.at.getTime() + WEBHOOK_RETRY_WINDOW_MS),
          last_attempt_at: null,
          last_status_code: null,
          last_latency_ms: null,
          last_error: null,
          created_at: e.at,
          delivered_at: null,
          updated_at: e.at,
        })),
      )
      .execute()
  }
  return row.id
}
