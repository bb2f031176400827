import type { Db } from '../db/database.js'
import type { SeatLeaseRow } from './seat-lease.table.js'

/**
 * Deletes a license's expired leases (they hold no seat; this only keeps the table small).
 *
 * @example
 * ```ts
 * await deleteExpiredLeases(trx, licenseId, now)
 * ```
 */
export async function deleteExpiredLeases(db: Db, licenseId: string, now: Date): Promise<void> {
  await db
    .deleteFrom('seat_leases')
    .where('license_id', '=', licenseId)
    .where('expires_at', '<=', now)
    .execute()
}

/**
 * Seats held now: unexpired leases of the license (`overage` ones included).
 *
 * @example
 * ```ts
 * const used = await countHeldLeases(trx, licenseId, now)
 * ```
 */
export async function countHeldLeases(db: Db, licenseId: string, now: Date): Promise<number> {
  const r = await db
    .selectFrom('seat_leases')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('license_id', '=', licenseId)
    .where('expires_at', '>', now)
    .executeTakeFirstOrThrow()
  return Number(r.n)
}

/**
 * Seats held now, and whether `scope` holds one of them, in one lock-free read (the fast
 * refusal of a checkout when the license is full).
 *
 * @example
 * ```ts
 * const { used, mine } = await seatUsage(db, licenseId, 'worker-1', now)
 * ```
 */
export async function seatUsage(
  db: Db,
  licenseId: string,
  scope: string,
  now: Date,
): Promise<{ used: number; mine: boolean }> {
  const r = await db
    .selectFrom('seat_leases')
    .select((eb) => [
      eb.fn.countAll<string>().as('n'),
      eb.fn.count<string>(eb.case().when('scope', '=', scope).then(1).end()).as('mine'),
    ])
    .where('license_id', '=', licenseId)
    .where('expires_at', '>', now)
    .executeTakeFirstOrThrow()
  return { used: Number(r.n), mine: Number(r.mine) > 0 }
}

/**
 * The lease of a scope, expired or not.
 *
 * @example
 * ```ts
 * const held = await findLeaseByScope(trx, licenseId, 'worker-1')
 * ```
 */
export function findLeaseByScope(
  db: Db,
  licenseId: string,
  scope: string,
): Promise<SeatLeaseRow | undefined> {
  return db
    .selectFrom('seat_leases')
    .selectAll()
    .where('license_id', '=', licenseId)
    .where('scope', '=', scope)
    .executeTakeFirst()
}

/**
 * One lease of a license by id, expired or not.
 *
 * @example
 * ```ts
 * const lease = await findLease(db, licenseId, 'sl_...')
 * ```
 */
export function findLease(
  db: Db,
  licenseId: string,
  id: string,
): Promise<SeatLeaseRow | undefined> {
  return db
    .selectFrom('seat_leases')
    .selectAll()
    .where('license_id', '=', licenseId)
    .where('id', '=', id)
    .executeTakeFirst()
}

/**
 * Stores a new lease.
 *
 * @example
 * ```ts
 * const row = await insertLease(trx, { id: newId('sl'), tenant_id, license_id, scope, ... })
 * ```
 */
export function insertLease(
  db: Db,
  row: Omit<SeatLeaseRow, 'renewed_at'> & { renewed_at?: Date },
): Promise<SeatLeaseRow> {
  return db
    .insertInto('seat_leases')
    .values({ ...row, renewed_at: row.renewed_at ?? row.checked_out_at })
    .returningAll()
    .executeTakeFirstOrThrow()
}

/**
 * Moves an unexpired lease's expiry; undefined when the lease is gone or already expired (an
 * expired lease is never revived: its seat may be someone else's by now).
 *
 * @example
 * ```ts
 * const row = await extendLease(db, { licenseId, id, now, expiresAt })
 * ```
 */
export function extendLease(
  db: Db,
  input: { licenseId: string; id: string; now: Date; expiresAt: Date },
): Promise<SeatLeaseRow | undefined> {
  return db
    .updateTable('seat_leases')
    .set({ renewed_at: input.now, expires_at: input.expiresAt })
    .where('license_id', '=', input.licenseId)
    .where('id', '=', input.id)
    .where('expires_at', '>', input.now)
    .returningAll()
    .executeTakeFirst()
}

/**
 * Deletes a lease (check-in or admin release); the deleted row, or undefined.
 *
 * @example
 * ```ts
 * const gone = await deleteLease(db, licenseId, 'sl_...')
 * ```
 */
export function deleteLease(
  db: Db,
  licenseId: string,
  id: string,
): Promise<SeatLeaseRow | undefined> {
  return db
    .deleteFrom('seat_leases')
    .where('license_id', '=', licenseId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst()
}

/**
 * A license's held (unexpired) leases, oldest first; at most `limit`.
 *
 * @example
 * ```ts
 * const held = await listHeldLeases(db, tenantId, licenseId, now, 500)
 * ```
 */
export function listHeldLeases(
  db: Db,
  tenantId: string,
  licenseId: string,
  now: Date,
  limit: number,
): Promise<SeatLeaseRow[]> {
  return db
    .selectFrom('seat_leases')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('license_id', '=', licenseId)
    .where('expires_at', '>', now)
    .orderBy('checked_out_at')
    .orderBy('id')
    .limit(limit)
    .execute()
}
