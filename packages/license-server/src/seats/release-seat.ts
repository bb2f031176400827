import type { AuditActor } from '../audit/audit-actor.js'
import { recordAudit } from '../audit/record-audit.js'
import type { Db } from '../db/database.js'
import { AppError } from '../errors/app-error.js'
import { findLicense } from '../licenses/license.repository.js'
import { deleteLease } from './seat-lease.repository.js'
import { toSeatLeaseView, type SeatLeaseView } from './seat.view.js'

/**
 * An admin frees a held seat (audited `seat.release`, with the reason when given). The client holding it learns at its next
 * renewal (SEAT_LEASE_NOT_FOUND) and checks out again if a seat is free.
 *
 * @example
 * ```ts
 * const view = await releaseSeat(db, { tenantId, licenseId, leaseId, actor, now })
 * ```
 */
export async function releaseSeat(
  db: Db,
  input: {
    tenantId: string
    licenseId: string
    leaseId: string
    actor: AuditActor
    now: Date
    /** Why (the console asks for one); kept in the audit entry's `after`. */
    reason?: string | undefined
  },
): Promise<SeatLeaseView> {
  return db.transaction().execute(async (trx) => {
    const license = await findLicense(trx, input.tenantId, input.licenseId)
    if (!license) throw new AppError('NOT_FOUND', `No license ${input.licenseId}`)
    const gone = await deleteLease(trx, license.id, input.leaseId)
    if (!gone) throw new AppError('SEAT_LEASE_NOT_FOUND')
    const view = toSeatLeaseView(gone)
    await recordAudit(trx, {
      tenantId: input.tenantId,
      actor: input.actor,
      action: 'seat.release',
      targetType: 'seat_lease',
      targetId: gone.id,
      before: view,
      after: input.reason ? { reason: input.reason } : null,
      at: input.now,
    })
    return view
  })
}
