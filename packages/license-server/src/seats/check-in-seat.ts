import type { Db } from '../db/database.js'
import { deleteLease } from './seat-lease.repository.js'

/**
 * Checks a seat lease in (frees its seat at once). Idempotent: a lease already gone answers
 * `released: false`, so a client retrying after a lost answer sees no error.
 *
 * @example
 * ```ts
 * const { released } = await checkInSeat(db, { licenseId, leaseId: 'seat_...' })
 * ```
 */
export async function checkInSeat(
  db: Db,
  input: { licenseId: string; leaseId: string },
): Promise<{ released: boolean }> {
  const gone = await deleteLease(db, input.licenseId, input.leaseId)
  return { released: gone !== undefined }
}
