import type { Db } from '../db/database.js'
import type { IdempotencyKeyRow } from './idempotency.table.js'

/** Claims a key for a first request: true when this call inserted it. */
export async function claimIdempotencyKey(
  db: Db,
  k: { tenantId: string; key: string; requestHash: string; now: Date },
): Promise<boolean> {
  const row = await db
    .insertInto('idempotency_keys')
    .values({
      tenant_id: k.tenantId,
      key: k.key,
      request_hash: k.requestHash,
      status: 'in_progress',
      response_status: null,
      response_body: null,
      created_at: k.now,
      updated_at: k.now,
    })
    .onConflict((oc) => oc.columns(['tenant_id', 'key']).doNothing())
    .returning('key')
    .executeTakeFirst()
  return row !== undefined
}

/** The stored key, if any. */
export function findIdempotencyKey(
  db: Db,
  tenantId: string,
  key: string,
): Promise<IdempotencyKeyRow | undefined> {
  return db
    .selectFrom('idempotency_keys')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('key', '=', key)
    .executeTakeFirst()
}

/** Stores the answer of the first request. */
export async function completeIdempotencyKey(
  db: Db,
  k: { tenantId: string; key: string; status: number; body: string; now: Date },
): Promise<void> {
  await db
    .updateTable('idempotency_keys')
    .set({ status: 'done', response_status: k.status, response_body: k.body, updated_at: k.now })
    .where('tenant_id', '=', k.tenantId)
    .where('key', '=', k.key)
    .execute()
}

/**
 * Frees a key (the first request had no effect, or the row is stale): only the row seen, so a
 * concurrent new claim is never deleted.
 */
export async function releaseIdempotencyKey(
  db: Db,
  k: { tenantId: string; key: string; createdAt?: Date },
): Promise<void> {
  let q = db
    .deleteFrom('idempotency_keys')
    .where('tenant_id', '=', k.tenantId)
    .where('key', '=', k.key)
  if (k.createdAt) q = q.where('created_at', '=', k.createdAt)
  await q.execute()
}

/** Deletes keys older than `before` (they are forgotten after 24 h). */
export async function purgeIdempotencyKeys(db: Db, before: Date): Promise<number> {
  const r = await db
    .deleteFrom('idempotency_keys')
    .where('created_at', '<', before)
    .executeTakeFirst()
  return Number(r.numDeletedRows)
}
