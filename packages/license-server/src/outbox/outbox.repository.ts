import { sql } from 'kysely'
import type { Db } from '../db/database.js'
import { newId } from '../lib/ids.js'
import type { OutboxMessageRow, OutboxStatus } from './outbox.table.js'

/** A message to queue. */
export interface OutboxMessageInput {
  tenantId: string
  kind: string
  /** Unique: queuing the same key again is a no-op. */
  dedupeKey: string
  recipient: string
  subject: string
  body: string
  licenseId?: string | null
  now: Date
}

/**
 * Queues a message in the caller's transaction (so it exists exactly when the change it
 * announces does). Returns false when a message with the same dedupe key already exists.
 *
 * @example
 * ```ts
 * await enqueueMessage(trx, { tenantId, kind: 'license.issued', dedupeKey, recipient, subject, body, licenseId, now })
 * ```
 */
export async function enqueueMessage(db: Db, m: OutboxMessageInput): Promise<boolean> {
  const row = await db
    .insertInto('outbox_messages')
    .values({
      id: newId('msg'),
      tenant_id: m.tenantId,
      kind: m.kind,
      dedupe_key: m.dedupeKey,
      recipient: m.recipient,
      subject: m.subject,
      body: m.body,
      license_id: m.licenseId ?? null,
      status: 'pending',
      attempts: 0,
      next_attempt_at: m.now,
      last_error: null,
      created_at: m.now,
      sent_at: null,
      updated_at: m.now,
    })
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .returning('id')
    .executeTakeFirst()
  return row !== undefined
}

/**
 * Claims up to `limit` due messages for one delivery attempt: bumps `attempts` and pushes
 * `next_attempt_at` out by `leaseMs`, selecting with `FOR UPDATE SKIP LOCKED` so two workers
 * (or two instances) never take the same message. A worker that dies mid-send leaves the
 * message to be retried once the lease runs out.
 *
 * @example
 * ```ts
 * const batch = await claimDueMessages(db, { now, limit: 20, leaseMs: 120_000 })
 * ```
 */
export async function claimDueMessages(
  db: Db,
  opts: { now: Date; limit: number; leaseMs: number },
): Promise<OutboxMessageRow[]> {
  const due = db
    .selectFrom('outbox_messages')
    .select('id')
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', opts.now)
    .orderBy('next_attempt_at', 'asc')
    .limit(opts.limit)
    .forUpdate()
    .skipLocked()
  return db
    .updateTable('outbox_messages')
    .set((eb) => ({
      attempts: eb('attempts', '+', 1),
      next_attempt_at: new Date(opts.now.getTime() + opts.leaseMs),
      updated_at: opts.now,
    }))
    .where('id', 'in', due)
    .returningAll()
    .execute()
}

/**
 * Marks a message delivered and clears its body (the license key is not kept at rest).
 *
 * @example
 * ```ts
 * await markSent(db, message.id, now)
 * ```
 */
export async function markSent(db: Db, id: string, at: Date): Promise<void> {
  await db
    .updateTable('outbox_messages')
    .set({ status: 'sent', sent_at: at, body: null, last_error: null, updated_at: at })
    .where('id', '=', id)
    .execute()
}

/**
 * Records a failed attempt: retry at `retryAt`, or give up (`failed`) when it is null.
 *
 * @example
 * ```ts
 * await markAttemptFailed(db, message.id, { error: 'smtp: 451', retryAt: new Date(now.getTime() + 30_000), at: now })
 * ```
 */
export async function markAttemptFailed(
  db: Db,
  id: string,
  opts: { error: string; retryAt: Date | null; at: Date },
): Promise<void> {
  await db
    .updateTable('outbox_messages')
    .set({
      status: opts.retryAt ? 'pending' : 'failed',
      next_attempt_at: opts.retryAt ?? opts.at,
      last_error: opts.error.slice(0, 1000),
      updated_at: opts.at,
    })
    .where('id', '=', id)
    .execute()
}

/**
 * Messages of the tenant, newest first (`limit + 1` rows for pagination).
 *
 * @example
 * ```ts
 * const rows = await listMessages(db, tenantId, { status: 'failed', limit: 50 })
 * ```
 */
export function listMessages(
  db: Db,
  tenantId: string,
  f: { status?: OutboxStatus | undefined; limit: number; after?: string | undefined },
): Promise<OutboxMessageRow[]> {
  let q = db.selectFrom('outbox_messages').selectAll().where('tenant_id', '=', tenantId)
  if (f.status) q = q.where('status', '=', f.status)
  if (f.after) q = q.where('id', '<', f.after)
  return q
    .orderBy('id', 'desc')
    .limit(f.limit + 1)
    .execute()
}

/**
 * Puts a given-up message back in the queue (admin retry).
 *
 * @example
 * ```ts
 * const row = await requeueMessage(trx, tenantId, 'msg_123', now)
 * ```
 */
export async function requeueMessage(
  db: Db,
  tenantId: string,
  id: string,
  now: Date,
): Promise<OutboxMessageRow | undefined> {
  return db
    .updateTable('outbox_messages')
    .set({ status: 'pending', attempts: 0, next_attempt_at: now, updated_at: now })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .where('status', '=', 'failed')
    .where(sql<boolean>`body is not null`)
    .returningAll()
    .executeTakeFirst()
}
