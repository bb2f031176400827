import type { Db } from '../db/database.js'
import type { EventRow } from './event.table.js'

/** Filters of {@link listEvents}. */
export interface EventFilter {
  type?: string | undefined
  licenseId?: string | undefined
  limit: number
  after?: string | undefined
}

/**
 * The tenant's events, newest first (`limit + 1` rows for pagination).
 *
 * @example
 * ```ts
 * const rows = await listEvents(db, tenantId, { type: 'license.expired', limit: 50 })
 * ```
 */
export function listEvents(db: Db, tenantId: string, f: EventFilter): Promise<EventRow[]> {
  let q = db.selectFrom('events').selectAll().where('tenant_id', '=', tenantId)
  if (f.type) q = q.where('type', '=', f.type)
  if (f.licenseId) q = q.where('license_id', '=', f.licenseId)
  if (f.after) q = q.where('id', '<', f.after)
  return q
    .orderBy('id', 'desc')
    .limit(f.limit + 1)
    .execute()
}

/** One event of the tenant. */
export function findEvent(db: Db, tenantId: string, id: string): Promise<EventRow | undefined> {
  return db
    .selectFrom('events')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst()
}
