import type { Db } from '../db/database.js'
import type { TenantBrandingRow } from './portal.table.js'

/** The tenant's portal branding, if set. */
export function findBranding(db: Db, tenantId: string): Promise<TenantBrandingRow | undefined> {
  return db
    .selectFrom('tenant_branding')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .executeTakeFirst()
}

/** Creates or replaces the tenant's portal branding. */
export function upsertBranding(db: Db, row: TenantBrandingRow): Promise<TenantBrandingRow> {
  return db
    .insertInto('tenant_branding')
    .values(row)
    .onConflict((oc) =>
      oc.column('tenant_id').doUpdateSet({
        product_name: row.product_name,
        logo_url: row.logo_url,
        support_email: row.support_email,
        updated_at: row.updated_at,
      }),
    )
    .returningAll()
    .executeTakeFirstOrThrow()
}
