import type { Db } from '../db/database.js'
import type { LicenseUserRow } from './named-user.table.js'

/** How many named users a license has. */
export async function countLicenseUsers(db: Db, licenseId: string): Promise<number> {
  const r = await db
    .selectFrom('license_users')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('license_id', '=', licenseId)
    .executeTakeFirstOrThrow()
  return Number(r.n)
}

/** One assignment, if present. */
export function findLicenseUser(
  db: Db,
  licenseId: string,
  userHash: string,
): Promise<LicenseUserRow | undefined> {
  return db
    .selectFrom('license_users')
    .selectAll()
    .where('license_id', '=', licenseId)
    .where('user_hash', '=', userHash)
    .executeTakeFirst()
}

/**
 * The named users of a license (tenant-checked), oldest first, a page at a time.
 *
 * @example
 * ```ts
 * const rows = await listLicenseUsers(db, tenantId, licenseId, { limit: 50 })
 * ```
 */
export function listLicenseUsers(
  db: Db,
  tenantId: string,
  licenseId: string,
  page: { limit: number; after?: string | undefined },
): Promise<LicenseUserRow[]> {
  let q = db
    .selectFrom('license_users')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('license_id', '=', licenseId)
  if (page.after) q = q.where('user_hash', '>', page.after)
  return q
    .orderBy('user_hash')
    .limit(page.limit + 1)
    .execute()
}
