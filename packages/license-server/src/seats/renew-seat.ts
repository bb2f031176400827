import { AppError } from '../errors/app-error.js'
import { findLicense } from '../licenses/license.repository.js'
import { extendLease, findLease } from './seat-lease.repository.js'
import { signSeatRow, type SeatDeps, type SignedSeat } from './seat-deps.js'
import { seatPolicyOf } from './seat-license.js'

/**
 * Renews a held seat lease by the license's `leaseTtlS` from now. No license lock: renewing
 * changes no count, and an expired lease is never revived (SEAT_LEASE_EXPIRED: its seat may
 * already be someone else's, so the client checks out again). A lease the server does not know
 * (checked in, released by an admin, cleaned up after expiry) is SEAT_LEASE_NOT_FOUND.
 *
 * @example
 * ```ts
 * const seat = await renewSeat(deps, { tenantId, licenseId, leaseId: 'seat_...' })
 * ```
 */
export async function renewSeat(
  deps: SeatDeps,
  input: { tenantId: string; licenseId: string; leaseId: string },
): Promise<SignedSeat> {
  const now = deps.now()
  const license = await findLicense(deps.db, input.tenantId, input.licenseId)
  const floating = seatPolicyOf(license, now)
  const row = await extendLease(deps.db, {
    licenseId: input.licenseId,
    id: input.leaseId,
    now,
    expiresAt: new Date(now.getTime() + floating.leaseTtlS * 1000),
  })
  if (!row) {
    const stale = await findLease(deps.db, input.licenseId, input.leaseId)
    throw new AppError(stale ? 'SEAT_LEASE_EXPIRED' : 'SEAT_LEASE_NOT_FOUND')
  }
  return signSeatRow(deps, row, now)
}
