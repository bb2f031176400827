import type { Db } from '../db/database.js'
import type { PortalRole, PortalUserRow, PortalUserStatus } from './portal.table.js'

/** A person by email within a tenant (emails are stored lower-cased). */
export function findPortalUserByEmail(
  db: Db,
  tenantId: string,
  email: string,
): Promise<PortalUserRow | undefined> {
  return db
    .selectFrom('portal_users')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('email', '=', email)
    .executeTakeFirst()
}

/** A person of one customer; another customer's person is undefined. */
export function findPortalUser(
  db: Db,
  tenantId: string,
  customerId: string,
  id: string,
): Promise<PortalUserRow | undefined> {
  return db
    .selectFrom('portal_users')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('customer_id', '=', customerId)
    .where('id', '=', id)
    .executeTakeFirst()
}

/** The people of one customer, oldest first (a team is small and bounded). */
export function listPortalUsers(
  db: Db,
  tenantId: string,
  customerId: string,
): Promise<PortalUserRow[]> {
  return db
    .selectFrom('portal_users')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('customer_id', '=', customerId)
    .orderBy('id', 'asc')
    .execute()
}

/** Inserts a person. */
export async function insertPortalUser(db: Db, row: PortalUserRow): Promise<void> {
  await db.insertInto('portal_users').values(row).execute()
}

/** Changes a person's role or status; returns the new row. */
export function updatePortalUser(
  db: Db,
  id: string,
  set: { role?: PortalRole; status?: PortalUserStatus; last_login_at?: Date },
  now: Date,
): Promise<PortalUserRow | undefined> {
  return db
    .updateTable('portal_users')
    .set({ ...set, updated_at: now })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst()
}
