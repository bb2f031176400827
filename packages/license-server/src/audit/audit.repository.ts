import type { Db } from '../db/database.js'
import type { AuditRow } from './audit.table.js'

/** Filters of {@link listAudit}. */
export interface AuditFilter {
  action?: string | undefined
  targetType?: string | undefined
  targetId?: string | undefined
  actor?: string | undefined
  limit: number
  after?: string | undefined
}

/**
 * The tenant's audit entries, newest first.
 *
 * @example
 * ```ts
 * const rows = await listAudit(db, tenantId, { targetId: 'lic_1', limit: 50 })
 * ```
 */
export function listAudit(db: Db, tenantId: string, f: AuditFilter): Promise<AuditRow[]> {
  let q = db.selectFrom('audit_log').selectAll().where('tenant_id', '=', tenantId)
  if (f.action) q = q.where('action', '=', f.action)
  if (f.targetType) q = q.where('target_type', '=', f.targetType)
  if (f.targetId) q = q.where('target_id', '=', f.targetId)
  if (f.actor) q = q.where('actor', '=', f.actor)
  if (f.after) q = q.where('id', '<', f.after)
  return q
    .orderBy('id', 'desc')
    .limit(f.limit + 1)
    .execute()
}
