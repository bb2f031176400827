import type { Db } from '../db/database.js'
import { newId } from '../lib/ids.js'
import { toJson } from '../lib/json.js'
import type { AuditActor } from './audit-actor.js'

/** One audited mutation. */
export interface AuditEntryInput {
  tenantId: string
  actor: AuditActor
  /** `<noun>.<verb>`, e.g. `license.suspend`. */
  action: string
  targetType: string
  targetId: string
  before?: unknown
  after?: unknown
  /** Defaults to the wall clock; pass the app clock for fake-time tests. */
  at?: Date
}

/**
 * Appends an audit entry. Call it inside the same transaction as the mutation, so the entry
 * exists exactly when the change does.
 *
 * @example
 * ```ts
 * await db.transaction().execute(async (trx) => {
 *   await trx.updateTable('licenses').set({ status: 'suspended' }).where('id', '=', id).execute()
 *   await recordAudit(trx, { tenantId, actor, action: 'license.suspend', targetType: 'license', targetId: id, before, after })
 * })
 * ```
 */
export async function recordAudit(db: Db, entry: AuditEntryInput): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      id: newId('aud'),
      tenant_id: entry.tenantId,
      at: entry.at ?? new Date(),
      actor: entry.actor.actor,
      action: entry.action,
      target_type: entry.targetType,
      target_id: entry.targetId,
      before: toJson(entry.before ?? null),
      after: toJson(entry.after ?? null),
      request_id: entry.actor.requestId ?? null,
      ip: entry.actor.ip ?? null,
    })
    .execute()
}
