import type { FloatingPolicy } from '@tollgate/license-client'
import { AppError } from '../errors/app-error.js'
import { findLicense } from '../licenses/license.repository.js'
import { newId } from '../lib/ids.js'
import { recordViolation } from '../violations/record-violation.js'
import {
  countHeldLeases,
  deleteExpiredLeases,
  extendLease,
  findLeaseByScope,
  insertLease,
  seatUsage,
} from './seat-lease.repository.js'
import { signSeatRow, type SeatDeps, type SignedSeat } from './seat-deps.js'
import { seatPolicyOf } from './seat-license.js'
import { seatLimit } from './seat-limit.js'
import { pooledSeats } from '../seat-pools/seat-pool.repository.js'
import { onlineFloating } from '../seat-pools/pool-hold.js'

/** A checkout request, resolved to its license. */
export interface CheckoutInput {
  tenantId: string
  licenseId: string
  scope: string
  deploymentId?: string | undefined
  address: string | null
}

/** Result of {@link checkoutSeat}. */
export interface CheckoutResult extends SignedSeat {
  /** `SEATS_OVERAGE` when the seat is beyond the sold seats (allowed overage). */
  warning: 'SEATS_OVERAGE' | null
  seats: { used: number; seats: number; limit: number }
}

/**
 * Checks out a floating seat for `scope`. The license row is locked for the transaction, so
 * concurrent checkouts of one license (on any instance) count one after the other and never
 * exceed `seats` times the allowed overage. Only unexpired leases count: a crashed client's
 * seat is free once its lease expires. A scope that already holds a lease gets it renewed (a
 * retried checkout takes no second seat). A seat past `seats` is granted with the warning
 * `SEATS_OVERAGE` and recorded as a `floating_overage` violation; past the limit the answer
 * is SEATS_EXHAUSTED. A full license is refused by a lock-free read first (a stale count can
 * only refuse a seat freed a moment ago, never grant one too many), and checkouts of one license
 * queue per instance before taking a connection (`deps.queue`).
 *
 * @example
 * ```ts
 * const seat = await checkoutSeat(deps, { tenantId, licenseId, scope: 'worker-1', address: ip })
 * ```
 */
export async function checkoutSeat(deps: SeatDeps, input: CheckoutInput): Promise<CheckoutResult> {
  const now = deps.now()
  const floating = seatPolicyOf(await findLicense(deps.db, input.tenantId, input.licenseId), now)
  const usage = await seatUsage(deps.db, input.licenseId, input.scope, now)
  if (!usage.mine && usage.used >= seatLimit(floating)) throw exhausted(floating)
  const out = await deps.queue.run(input.licenseId, () => checkoutLocked(deps, input, now))
  const signed = await signSeatRow(deps, out.row, now)
  return {
    ...signed,
    warning: out.row.overage ? 'SEATS_OVERAGE' : null,
    seats: { used: out.used, seats: out.floating.seats, limit: out.limit },
  }
}

function exhausted(floating: FloatingPolicy): AppError {
  return new AppError(
    'SEATS_EXHAUSTED',
    `All ${seatLimit(floating)} floating seats of the license are in use (${floating.seats} sold)`,
  )
}

/** The checkout proper, in a transaction holding the license row lock. */
function checkoutLocked(deps: SeatDeps, input: CheckoutInput, now: Date) {
  return deps.db.transaction().execute(async (trx) => {
    const license = await findLicense(trx, input.tenantId, input.licenseId, { forUpdate: true })
    const sold = seatPolicyOf(license, now)
    // Seats held by unexpired relay pools (air-gapped sites) are not for online checkouts.
    const pooled = await pooledSeats(trx, input.licenseId, now)
    const floating = onlineFloating(sold, pooled)
    if (
      license?.deployment_id &&
      input.deploymentId !== undefined &&
      license.deployment_id !== input.deploymentId
    ) {
      throw new AppError('DEPLOYMENT_MISMATCH')
    }
    const limit = seatLimit(floating)
    const expiresAt = new Date(now.getTime() + floating.leaseTtlS * 1000)
    const held = await findLeaseByScope(trx, input.licenseId, input.scope)
    if (held && held.expires_at > now) {
      const row = await extendLease(trx, {
        licenseId: held.license_id,
        id: held.id,
        now,
        expiresAt,
      })
      const used = await countHeldLeases(trx, input.licenseId, now)
      return { row: row ?? held, used, floating, limit }
    }
    await deleteExpiredLeases(trx, input.licenseId, now)
    const used = await countHeldLeases(trx, input.licenseId, now)
    if (used >= limit) throw exhausted(floating)
    const overage = used >= floating.seats
    const row = await insertLease(trx, {
      id: newId('seat'),
      tenant_id: input.tenantId,
      license_id: input.licenseId,
      scope: input.scope,
      deployment_id: input.deploymentId ?? null,
      address: input.address,
      overage,
      checked_out_at: now,
      expires_at: expiresAt,
    })
    if (overage) {
      await recordViolation(trx, {
        tenantId: input.tenantId,
        licenseId: input.licenseId,
        installId: input.deploymentId ?? null,
        kind: 'floating_overage',
        severity: 'medium',
        source: 'server',
        details: { seats: floating.seats, used: used + 1, limit, scope: input.scope },
        address: input.address,
        now,
      })
    }
    return { row, used: used + 1, floating, limit }
  })
}
