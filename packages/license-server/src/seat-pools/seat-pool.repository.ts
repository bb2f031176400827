import type { Db } from '../db/database.js'
import type { SeatPoolRow } from './seat-pool.table.js'

/**
 * Seats of a license held by unexpired pools now (0 when none).
 *
 * @example
 * ```ts
 * const pooled = await pooledSeats(trx, licenseId, now)
 * ```
 */
export async function pooledSeats(db: Db, licenseId: string, now: Date): Promise<number> {
  const r = await db
    .selectFrom('seat_pools')
    .select((eb) => eb.fn.sum<string | number | null>('seats').as('n'))
    .where('license_id', '=', licenseId)
    .where('expires_at', '>', now)
    .executeTakeFirst()
  return Number(r?.n ?? 0)
}

/**
 * Stores a pool.
 *
 * @example
 * ```ts
 * const row = await insertSeatPool(trx, { id: newId('pool'), ... })
 * ```
 */
export function insertSeatPool(db: Db, row: SeatPoolRow): Promise<SeatPoolRow> {
  return db.insertInto('seat_pools').values(row).returningAll().executeTakeFirstOrThrow()
}

/**
 * A license's pools, newest first, at most `limit` (expired ones included: the history).
 *
 * @example
 * ```ts
 * const pools = await listSeatPools(db, tenantId, licenseId, 100)
 * ```
 */
export function listSeatPools(
  db: Db,
  tenantId: string,
  licenseId: string,
  limit: number,
): Promise<SeatPoolRow[]> {
  return db
    .selectFrom('seat_pools')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('license_id', '=', licenseId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute()
}
