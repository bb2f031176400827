import type { Db } from '../db/database.js'
import { toJson } from '../lib/json.js'
import type { ViolationRow, ViolationSeverity, ViolationSource } from './violation.table.js'

/** A violation to store. */
export interface ViolationInput {
  id: string
  tenantId: string
  licenseId: string
  installId: string | null
  kind: string
  severity: ViolationSeverity
  source: ViolationSource
  details: Record<string, unknown>
  address: string | null
  now: Date
}

/**
 * Bumps `occurrences` of the same violation (license, deployment, kind, source) seen since
 * `since`; returns undefined when there is none.
 */
export async function bumpRecentViolation(
  db: Db,
  v: ViolationInput,
  since: Date,
): Promise<ViolationRow | undefined> {
  const recent = await db
    .selectFrom('violations')
    .select('id')
    .where('license_id', '=', v.licenseId)
    .where('kind', '=', v.kind)
    .where('source', '=', v.source)
    .where('last_seen_at', '>=', since)
    .where((eb) =>
      v.installId === null ? eb('install_id', 'is', null) : eb('install_id', '=', v.installId),
    )
    .orderBy('last_seen_at', 'desc')
    .limit(1)
    .executeTakeFirst()
  if (!recent) return undefined
  return db
    .updateTable('violations')
    .set((eb) => ({
      occurrences: eb('occurrences', '+', 1),
      last_seen_at: v.now,
      details: toJson(v.details),
      severity: v.severity,
      address: v.address,
    }))
    .where('id', '=', recent.id)
    .returningAll()
    .executeTakeFirst()
}

/** Inserts a violation row. */
export function insertViolation(db: Db, v: ViolationInput): Promise<ViolationRow> {
  return db
    .insertInto('violations')
    .values({
      id: v.id,
      tenant_id: v.tenantId,
      license_id: v.licenseId,
      install_id: v.installId,
      kind: v.kind,
      severity: v.severity,
      source: v.source,
      details: toJson(v.details),
      address: v.address,
      occurrences: 1,
      created_at: v.now,
      last_seen_at: v.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow()
}

/** Violations of the tenant, newest first. */
export function listViolations(
  db: Db,
  tenantId: string,
  page: {
    limit: number
    after?: string | undefined
    licenseId?: string | undefined
    kind?: string | undefined
  },
): Promise<ViolationRow[]> {
  let q = db.selectFrom('violations').selectAll().where('tenant_id', '=', tenantId)
  if (page.licenseId) q = q.where('license_id', '=', page.licenseId)
  if (page.kind) q = q.where('kind', '=', page.kind)
  if (page.after) q = q.where('id', '<', page.after)
  return q
    .orderBy('id', 'desc')
    .limit(page.limit + 1)
    .execute()
}
