import type { Db } from '../db/database.js'
import type { StaffRole } from './roles.js'
import type {
  StaffAccountRow,
  StaffAccountTable,
  StaffInviteRow,
  StaffPasskeyRow,
} from './staff.table.js'
import type { Insertable, Updateable } from 'kysely'

/** Inserts a staff account. */
export async function insertStaff(db: Db, row: Insertable<StaffAccountTable>): Promise<void> {
  await db.insertInto('staff_accounts').values(row).execute()
}

/** A staff account of the tenant (another tenant's: undefined). */
export function findStaff(
  db: Db,
  tenantId: string,
  id: string,
  opts: { forUpdate?: boolean } = {},
): Promise<StaffAccountRow | undefined> {
  const q = db
    .selectFrom('staff_accounts')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
  return (opts.forUpdate ? q.forUpdate() : q).executeTakeFirst()
}

/** The account with this email, in any tenant (emails are unique on the server). */
export function findStaffByEmail(db: Db, email: string): Promise<StaffAccountRow | undefined> {
  return db
    .selectFrom('staff_accounts')
    .selectAll()
    .where('email', '=', email.toLowerCase())
    .executeTakeFirst()
}

/** Staff of the tenant, by name. */
export function listStaff(db: Db, tenantId: string): Promise<StaffAccountRow[]> {
  return db
    .selectFrom('staff_accounts')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .orderBy('created_at', 'asc')
    .limit(1000)
    .execute()
}

/** How many enabled owners the tenant has. */
export async function countActiveOwners(db: Db, tenantId: string): Promise<number> {
  const row = await db
    .selectFrom('staff_accounts')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('tenant_id', '=', tenantId)
    .where('role', '=', 'owner' satisfies StaffRole)
    .where('disabled_at', 'is', null)
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

/** Updates a staff account. */
export async function updateStaff(
  db: Db,
  tenantId: string,
  id: string,
  patch: Updateable<StaffAccountTable>,
): Promise<void> {
  await db
    .updateTable('staff_accounts')
    .set(patch)
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .execute()
}

/** An invitation by the hash of its token. */
export function findInviteByHash(
  db: Db,
  tokenHash: string,
  opts: { forUpdate?: boolean } = {},
): Promise<StaffInviteRow | undefined> {
  const q = db.selectFrom('staff_invites').selectAll().where('token_hash', '=', tokenHash)
  return (opts.forUpdate ? q.forUpdate() : q).executeTakeFirst()
}

/** Open invitations of the tenant. */
export function listOpenInvites(db: Db, tenantId: string, now: Date): Promise<StaffInviteRow[]> {
  return db
    .selectFrom('staff_invites')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .orderBy('created_at', 'desc')
    .limit(200)
    .execute()
}

/** Passkeys of a staff member. */
export function listPasskeys(db: Db, staffId: string): Promise<StaffPasskeyRow[]> {
  return db
    .selectFrom('staff_passkeys')
    .selectAll()
    .where('staff_id', '=', staffId)
    .orderBy('created_at', 'asc')
    .execute()
}

/** A passkey by credential id. */
export function findPasskey(db: Db, credentialId: string): Promise<StaffPasskeyRow | undefined> {
  return db
    .selectFrom('staff_passkeys')
    .selectAll()
    .where('id', '=', credentialId)
    .executeTakeFirst()
}
