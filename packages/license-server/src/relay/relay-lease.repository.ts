import type { RelayDb, RelayLeaseRow } from './relay-lease.table.js'

/**
 * Seats held now (unexpired leases); expired rows are deleted first (they hold nothing).
 *
 * @example
 * ```ts
 * const used = await heldRelayLeases(trx, now)
 * ```
 */
export async function heldRelayLeases(db: RelayDb, now: Date): Promise<number> {
  await db.deleteFrom('relay_leases').where('expires_at', '<=', now).execute()
  const r = await db
    .selectFrom('relay_leases')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow()
  return Number(r.n)
}

/**
 * The lease of a scope, or of an id, expired or not.
 *
 * @example
 * ```ts
 * const held = await findRelayLease(trx, { scope: 'worker-1' })
 * ```
 */
export function findRelayLease(
  db: RelayDb,
  by: { scope: string } | { id: string },
): Promise<RelayLeaseRow | undefined> {
  const q = db.selectFrom('relay_leases').selectAll()
  return (
    'scope' in by ? q.where('scope', '=', by.scope) : q.where('id', '=', by.id)
  ).executeTakeFirst()
}

/**
 * Stores a new lease.
 *
 * @example
 * ```ts
 * const row = await insertRelayLease(trx, { id, license_id, scope, ... })
 * ```
 */
export function insertRelayLease(
  db: RelayDb,
  row: Omit<RelayLeaseRow, 'renewed_at'>,
): Promise<RelayLeaseRow> {
  return db
    .insertInto('relay_leases')
    .values({ ...row, renewed_at: row.checked_out_at })
    .returningAll()
    .executeTakeFirstOrThrow()
}

/**
 * Moves an unexpired lease's expiry; undefined when it is gone or already expired (never
 * revived: its seat may be someone else's by now).
 *
 * @example
 * ```ts
 * const row = await extendRelayLease(db, { id, now, expiresAt, poolId })
 * ```
 */
export function extendRelayLease(
  db: RelayDb,
  input: { id: string; now: Date; expiresAt: Date; poolId: string },
): Promise<RelayLeaseRow | undefined> {
  return db
    .updateTable('relay_leases')
    .set({ renewed_at: input.now, expires_at: input.expiresAt, pool_id: input.poolId })
    .where('id', '=', input.id)
    .where('expires_at', '>', input.now)
    .returningAll()
    .executeTakeFirst()
}

/**
 * Deletes a lease (check-in); true when there was one.
 *
 * @example
 * ```ts
 * const released = await deleteRelayLease(db, 'seat_...')
 * ```
 */
export async function deleteRelayLease(db: RelayDb, id: string): Promise<boolean> {
  const gone = await db
    .deleteFrom('relay_leases')
    .where('id', '=', id)
    .returning('id')
    .executeTakeFirst()
  return gone !== undefined
}
