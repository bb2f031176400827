import type { Db } from '../db/database.js'
import { newId } from '../lib/ids.js'
import { toJson } from '../lib/json.js'
import type { BillingEventRow, BillingEventStatus } from './billing.table.js'

/** What is stored of a verified Stripe event on receipt. */
export interface ReceivedEvent {
  tenantId: string
  stripeEventId: string
  type: string
  objectId: string | null
  livemode: boolean
  stripeCreatedAt: Date
  payload: unknown
  receivedAt: Date
}

/**
 * Stores an event once: `INSERT ... ON CONFLICT (stripe_event_id) DO NOTHING`. Returns true
 * when this call inserted it, false when it was already stored (a redelivery).
 *
 * @example
 * ```ts
 * const fresh = await insertEventOnce(db, { tenantId, stripeEventId: event.id, type: event.type, objectId, livemode: false, stripeCreatedAt, payload: event, receivedAt: now })
 * ```
 */
export async function insertEventOnce(db: Db, e: ReceivedEvent): Promise<boolean> {
  const inserted = await db
    .insertInto('billing_events')
    .values({
      id: newId('bev'),
      tenant_id: e.tenantId,
      stripe_event_id: e.stripeEventId,
      type: e.type,
      object_id: e.objectId,
      livemode: e.livemode,
      stripe_created_at: e.stripeCreatedAt,
      payload: toJson(e.payload),
      status: 'received',
      note: null,
      error: null,
      attempts: 0,
      received_at: e.receivedAt,
      processed_at: null,
      updated_at: e.receivedAt,
    })
    .onConflict((oc) => oc.column('stripe_event_id').doNothing())
    .returning('id')
    .executeTakeFirst()
  return inserted !== undefined
}

/**
 * Takes the processing lock on an event that still needs work (`received` or `failed`):
 * `SELECT ... FOR UPDATE SKIP LOCKED` inside the caller's transaction. Undefined when it is
 * done already or another delivery (on any instance) holds it right now.
 *
 * @example
 * ```ts
 * const row = await claimEvent(trx, 'evt_123') // undefined: done, or held elsewhere
 * ```
 */
export function claimEvent(db: Db, stripeEventId: string): Promise<BillingEventRow | undefined> {
  return db
    .selectFrom('billing_events')
    .selectAll()
    .where('stripe_event_id', '=', stripeEventId)
    .where('status', 'in', ['received', 'failed'])
    .forUpdate()
    .skipLocked()
    .executeTakeFirst()
}

/**
 * Records the outcome of one processing attempt.
 *
 * @example
 * ```ts
 * await finishEvent(trx, 'evt_123', { status: 'processed', note: 'license lic_1', error: null, at: now })
 * ```
 */
export async function finishEvent(
  db: Db,
  stripeEventId: string,
  outcome: { status: BillingEventStatus; note?: string | null; error: string | null; at: Date },
): Promise<BillingEventRow | undefined> {
  return db
    .updateTable('billing_events')
    .set((eb) => ({
      status: outcome.status,
      ...(outcome.note === undefined ? {} : { note: outcome.note }),
      error: outcome.error,
      attempts: eb('attempts', '+', 1),
      processed_at: outcome.status === 'failed' ? null : outcome.at,
      updated_at: outcome.at,
    }))
    .where('stripe_event_id', '=', stripeEventId)
    .returningAll()
    .executeTakeFirst()
}

/**
 * One event of the tenant, by our id (`bev_...`) or Stripe's (`evt_...`).
 *
 * @example
 * ```ts
 * const row = await findEvent(db, tenantId, 'evt_123')
 * ```
 */
export function findEvent(
  db: Db,
  tenantId: string,
  id: string,
): Promise<BillingEventRow | undefined> {
  return db
    .selectFrom('billing_events')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where((eb) => eb.or([eb('id', '=', id), eb('stripe_event_id', '=', id)]))
    .executeTakeFirst()
}

/**
 * Events of the tenant, newest first (`limit + 1` rows for pagination).
 *
 * @example
 * ```ts
 * const rows = await listEvents(db, tenantId, { status: 'failed', limit: 50 })
 * ```
 */
export function listEvents(
  db: Db,
  tenantId: string,
  f: {
    status?: BillingEventStatus | undefined
    type?: string | undefined
    limit: number
    after?: string | undefined
  },
): Promise<BillingEventRow[]> {
  let q = db.selectFrom('billing_events').selectAll().where('tenant_id', '=', tenantId)
  if (f.status) q = q.where('status', '=', f.status)
  if (f.type) q = q.where('type', '=', f.type)
  if (f.after) q = q.where('id', '<', f.after)
  return q
    .orderBy('id', 'desc')
    .limit(f.limit + 1)
    .execute()
}
