import { sql } from 'kysely'
import type { Db } from '../db/database.js'
import type { LicenseStatus } from '../licenses/license.table.js'

/**
 * The version of the tenant's revocation list: the newest change's `seq` (0 when none). One
 * index probe, cheap enough to run on every request.
 *
 * @example
 * ```ts
 * const version = await revocationVersion(db, tenantId)
 * ```
 */
export async function revocationVersion(db: Db, tenantId: string): Promise<number> {
  const row = await db
    .selectFrom('revocation_changes')
    .select(sql<string | null>`max(seq)`.as('v'))
    .where('tenant_id', '=', tenantId)
    .executeTakeFirst()
  return Number(row?.v ?? 0)
}

/** The ids on the tenant's list now, by status. */
export async function listRevocations(
  db: Db,
  tenantId: string,
): Promise<{ revoked: string[]; suspended: string[] }> {
  const rows = await db
    .selectFrom('licenses')
    .select(['id', 'status'])
    .where('tenant_id', '=', tenantId)
    .where('status', 'in', ['revoked', 'suspended'])
    .execute()
  const revoked: string[] = []
  const suspended: string[] = []
  for (const r of rows) (r.status === 'revoked' ? revoked : suspended).push(r.id)
  return { revoked, suspended }
}

/**
 * The tenant's changes after version `since`, oldest first, at most `limit` (ask for one more
 * than you accept to learn that there are more).
 */
export async function revocationChangesSince(
  db: Db,
  tenantId: string,
  since: number,
  limit: number,
): Promise<{ seq: number; licenseId: string; status: LicenseStatus }[]> {
  const rows = await db
    .selectFrom('revocation_changes')
    .select(['seq', 'license_id', 'status'])
    .where('tenant_id', '=', tenantId)
    .where('seq', '>', String(since))
    .orderBy('seq')
    .limit(limit)
    .execute()
  return rows.map((r) => ({ seq: Number(r.seq), licenseId: r.license_id, status: r.status }))
}
