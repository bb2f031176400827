import { sql } from 'kysely'
import type { Db } from '../db/database.js'
import { newId } from '../lib/ids.js'
import type { PostResult } from './post-webhook.js'
import type {
  WebhookAttemptRow,
  WebhookDeliveryRow,
  WebhookDeliveryStatus,
} from './webhook.table.js'

/**
 * Claims up to `limit` due deliveries for one attempt each: bumps `attempts` and pushes
 * `next_attempt_at` out by `leaseMs`. Rows are taken with `FOR UPDATE SKIP LOCKED`, so N
 * workers on N instances never take the same delivery; only the oldest pending delivery per
 * endpoint and order key (license) is due, so one license's events reach an endpoint in order.
 * A worker that dies mid-send leaves its delivery to be retried once the lease runs out.
 *
 * @example
 * ```ts
 * const batch = await claimDueDeliveries(db, { now, limit: 20, leaseMs: 60_000 })
 * ```
 */
export async function claimDueDeliveries(
  db: Db,
  opts: { now: Date; limit: number; leaseMs: number },
): Promise<WebhookDeliveryRow[]> {
  const now = opts.now.toISOString()
  const lease = new Date(opts.now.getTime() + opts.leaseMs).toISOString()
  const { rows } = await sql<WebhookDeliveryRow>`
    with due as (
      select d.id from webhook_deliveries d
      join webhook_endpoints e on e.id = d.endpoint_id and e.status = 'enabled'
      where d.status = 'pending' and d.next_attempt_at <= ${now}::timestamptz
        and not exists (
          select 1 from webhook_deliveries p
          where p.endpoint_id = d.endpoint_id and p.order_key = d.order_key
            and p.status = 'pending' and p.event_seq < d.event_seq)
      order by d.event_seq
      limit ${opts.limit}
      for update of d skip locked
    )
    update webhook_deliveries w
    set attempts = w.attempts + 1, next_attempt_at = ${lease}::timestamptz,
        updated_at = ${now}::timestamptz
    from due where w.id = due.id
    returning w.*
  `.execute(db)
  return rows
}

/** What happens to a delivery after an attempt. */
export type AttemptDecision =
  { status: 'delivered' } | { status: 'pending'; retryAt: Date } | { status: 'failed' }

/**
 * Logs one attempt and moves the delivery on (delivered / retry at / given up).
 *
 * @example
 * ```ts
 * await recordAttempt(trx, delivery, result, { status: 'delivered' }, now)
 * ```
 */
export async function recordAttempt(
  db: Db,
  delivery: Pick<WebhookDeliveryRow, 'id' | 'attempts'>,
  result: PostResult,
  decision: AttemptDecision,
  at: Date,
): Promise<void> {
  await db
    .insertInto('webhook_attempts')
    .values({
      id: newId('wha'),
      delivery_id: delivery.id,
      attempt: delivery.attempts,
      at,
      status_code: result.statusCode,
      latency_ms: result.latencyMs,
      error: result.error?.slice(0, 500) ?? null,
      response_snippet: result.snippet,
    })
    .execute()
  await db
    .updateTable('webhook_deliveries')
    .set({
      status: decision.status,
      next_attempt_at: decision.status === 'pending' ? decision.retryAt : at,
      last_attempt_at: at,
      last_status_code: result.statusCode,
      last_latency_ms: result.latencyMs,
      last_error: result.error?.slice(0, 500) ?? null,
      ...(decision.status === 'delivered' ? { delivered_at: at } : {}),
      updated_at: at,
    })
    .where('id', '=', delivery.id)
    .execute()
}

/** Filters of {@link listDeliveries}. */
export interface DeliveryFilter {
  endpointId?: string | undefined
  eventId?: string | undefined
  status?: WebhookDeliveryStatus | undefined
  limit: number
  after?: string | undefined
}

/** The tenant's deliveries, newest first (`limit + 1` rows). */
export function listDeliveries(
  db: Db,
  tenantId: string,
  f: DeliveryFilter,
): Promise<WebhookDeliveryRow[]> {
  let q = db.selectFrom('webhook_deliveries').selectAll().where('tenant_id', '=', tenantId)
  if (f.endpointId) q = q.where('endpoint_id', '=', f.endpointId)
  if (f.eventId) q = q.where('event_id', '=', f.eventId)
  if (f.status) q = q.where('status', '=', f.status)
  if (f.after) q = q.where('id', '<', f.after)
  return q
    .orderBy('id', 'desc')
    .limit(f.limit + 1)
    .execute()
}

/** One delivery of the tenant. */
export function findDelivery(
  db: Db,
  tenantId: string,
  id: string,
): Promise<WebhookDeliveryRow | undefined> {
  return db
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst()
}

/** The attempt log of a delivery, oldest first. */
export function listAttempts(db: Db, deliveryId: string): Promise<WebhookAttemptRow[]> {
  return db
    .selectFrom('webhook_attempts')
    .selectAll()
    .where('delivery_id', '=', deliveryId)
    .orderBy('attempt', 'asc')
    .orderBy('at', 'asc')
    .execute()
}

/**
 * Queues a delivery again now (manual resend of a delivered or given-up one), with a fresh
 * retry window.
 *
 * @example
 * ```ts
 * const row = await resendDelivery(trx, tenantId, 'whd_...', now, 3 * 86_400_000)
 * ```
 */
export function resendDelivery(
  db: Db,
  tenantId: string,
  id: string,
  now: Date,
  windowMs: number,
): Promise<WebhookDeliveryRow | undefined> {
  return db
    .updateTable('webhook_deliveries')
    .set({
      status: 'pending',
      next_attempt_at: now,
      retry_until: new Date(now.getTime() + windowMs),
      updated_at: now,
    })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .where('status', '!=', 'pending')
    .returningAll()
    .executeTakeFirst()
}
