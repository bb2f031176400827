import { CompiledQuery } from 'kysely'
import { preparedQueries } from '../db/create-database.js'
import type { Db } from '../db/database.js'
import { toJson } from '../lib/json.js'
import type { LicenseRow, LicenseStatus } from './license.table.js'

const FIND_LICENSE_SQL = 'select * from "licenses" where "tenant_id" = $1 and "id" = $2'

/** Inserts a license row. */
export async function insertLicense(db: Db, row: LicenseRow): Promise<void> {
  await db
    .insertInto('licenses')
    .values({
      ...row,
      entitlements: toJson(row.entitlements),
      limits: toJson(row.limits),
      policy: toJson(row.policy),
      metadata: toJson(row.metadata),
    })
    .execute()
}

/**
 * One license of the tenant (another tenant's: undefined). `forUpdate` locks the row for the
 * rest of the transaction, so concurrent status changes serialise.
 */
export function findLicense(
  db: Db,
  tenantId: string,
  id: string,
  opts: { forUpdate?: boolean } = {},
): Promise<LicenseRow | undefined> {
  if (!opts.forUpdate) {
    // The hot path of every validation: a prepared statement on pg; elsewhere (PGlite, or
    // inside a transaction) a precompiled query, so nothing is built per call.
    const prepared = preparedQueries.get(db)
    if (prepared) {
      return prepared<LicenseRow>('tg_find_license', FIND_LICENSE_SQL, [tenantId, id]).then(
        (r) => r[0],
      )
    }
    return db
      .executeQuery(CompiledQuery.raw(FIND_LICENSE_SQL, [tenantId, id]))
      .then((r) => r.rows[0] as LicenseRow | undefined)
  }
  const q = db
    .selectFrom('licenses')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
  return (opts.forUpdate ? q.forUpdate() : q).executeTakeFirst()
}

/** Filters of {@link listLicenses}. */
export interface LicenseFilter {
  status?: LicenseStatus | undefined
  customerId?: string | undefined
  planId?: string | undefined
  limit: number
  after?: string | undefined
}

/** Licenses of the tenant, newest first. */
export function listLicenses(db: Db, tenantId: string, f: LicenseFilter): Promise<LicenseRow[]> {
  let q = db.selectFrom('licenses').selectAll().where('tenant_id', '=', tenantId)
  if (f.status) q = q.where('status', '=', f.status)
  if (f.customerId) q = q.where('customer_id', '=', f.customerId)
  if (f.planId) q = q.where('plan_id', '=', f.planId)
  if (f.after) q = q.where('id', '<', f.after)
  return q
    .orderBy('id', 'desc')
    .limit(f.limit + 1)
    .execute()
}

/** Patchable license columns. */
export type LicensePatch = Partial<
  Pick<
    LicenseRow,
    'status' | 'status_reason' | 'kid' | 'issued_at' | 'expires_at' | 'suspended_at' | 'revoked_at'
  >
>

/** Applies a patch; returns the new row. */
export function updateLicense(
  db: Db,
  tenantId: string,
  id: string,
  patch: LicensePatch,
  now: Date,
): Promise<LicenseRow | undefined> {
  return db
    .updateTable('licenses')
    .set({ ...patch, updated_at: now })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst()
}

/** True when any license references the customer / plan. */
export async function licenseExistsFor(
  db: Db,
  tenantId: string,
  ref: { customerId?: string; planId?: string },
): Promise<boolean> {
  let q = db.selectFrom('licenses').select('id').where('tenant_id', '=', tenantId)
  if (ref.customerId) q = q.where('customer_id', '=', ref.customerId)
  if (ref.planId) q = q.where('plan_id', '=', ref.planId)
  return (await q.limit(1).executeTakeFirst()) !== undefined
}
