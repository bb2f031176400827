import type { Db } from '../db/database.js'
import type { TenantRow } from './tenant.table.js'

/** One tenant by id. */
export function findTenant(db: Db, id: string): Promise<TenantRow | undefined> {
  return db.selectFrom('tenants').selectAll().where('id', '=', id).executeTakeFirst()
}

/** The first tenant ever created: the one bootstrap made, served at the bare JWKS URL. */
export function findDefaultTenant(db: Db): Promise<TenantRow | undefined> {
  return db.selectFrom('tenants').selectAll().orderBy('id', 'asc').limit(1).executeTakeFirst()
}

/** Inserts a tenant. */
export async function insertTenant(db: Db, row: TenantRow): Promise<void> {
  await db.insertInto('tenants').values(row).execute()
}
