import type { Db } from '../db/database.js'
import { emitEvent } from '../events/emit-event.js'
import { AUDIT_EVENT_TYPES } from '../events/event-types.js'
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

function licenseIdOf(entry: AuditEntryInput): string | null {
  if (entry.targetType === 'license') return entry.targetId
  for (const view of [entry.after, entry.before]) {
    const id = (view as { licenseId?: unknown } | null | undefined)?.licenseId
    if (typeof id === 'string') return id
  }
  return null
}

/**
 * Appends an audit entry. Call it inside the same transaction as the mutation, so the entry
 * exists exactly when the change does. Actions that announce a lifecycle event
 * (`AUDIT_EVENT_TYPES`: `license.issue` -> `license.created`, ...) also emit it here, with
 * `{ object: after, previous: before }` as its data: one call, never one without the other.
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
  const at = entry.at ?? new Date()
  await db
    .insertInto('audit_log')
    .values({
      id: newId('aud'),
      tenant_id: entry.tenantId,
      at,
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
  const type = AUDIT_EVENT_TYPES[entry.action]
  if (type) {
    await emitEvent(db, {
      tenantId: entry.tenantId,
      type,
      licenseId: licenseIdOf(entry),
      subjectType: entry.targetType,
      subjectId: entry.targetId,
      data: { object: entry.after ?? entry.before ?? null, previous: entry.before ?? null },
      at,
    })
  }
}
