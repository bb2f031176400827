import type { Kysely } from 'kysely'
import type { AuditActor } from '../audit/audit-actor.js'
import { recordAudit } from '../audit/record-audit.js'
import type { Database } from '../db/database.js'
import { AppError } from '../errors/app-error.js'
import { findPortalUser, listPortalUsers, updatePortalUser } from './portal-user.repository.js'
import type { PortalRole, PortalUserRow } from './portal.table.js'

/** A change to a person of a customer account. */
export type PortalUserChange = { role: PortalRole } | { status: 'active' | 'disabled' }

/**
 * Changes a person's role, or disables (removes) / re-enables them. Another customer's person is
 * NOT_FOUND. The last active admin cannot be demoted or disabled (CONFLICT): an account always
 * keeps someone who can manage it. Audited as `portal_user.update`.
 *
 * @example
 * ```ts
 * await updatePortalUserAccess(db, { tenantId, customerId, userId, change: { status: 'disabled' }, actor, now })
 * ```
 */
export async function updatePortalUserAccess(
  db: Kysely<Database>,
  input: {
    tenantId: string
    customerId: string
    userId: string
    change: PortalUserChange
    actor: AuditActor
    now: Date
  },
): Promise<PortalUserRow> {
  const { tenantId, customerId, now } = input
  return db.transaction().execute(async (trx) => {
    await trx
      .selectFrom('customers')
      .select('id')
      .where('id', '=', customerId)
      .forUpdate()
      .execute()
    const before = await findPortalUser(trx, tenantId, customerId, input.userId)
    if (!before) throw new AppError('NOT_FOUND', `No person ${input.userId}`)
    const losesAdmin =
      before.role === 'admin' &&
      before.status !== 'disabled' &&
      ('role' in input.change ? input.change.role !== 'admin' : input.change.status === 'disabled')
    if (losesAdmin) {
      const admins = (await listPortalUsers(trx, tenantId, customerId)).filter(
        (u) => u.role === 'admin' && u.status !== 'disabled',
      )
      if (admins.length <= 1) {
        throw new AppError(
          'CONFLICT',
          'The account needs at least one admin; appoint another first',
        )
      }
    }
    const after = (await updatePortalUser(trx, before.id, input.change, now))!
    await recordAudit(trx, {
      tenantId,
      actor: input.actor,
      action: 'portal_user.update',
      targetType: 'portal_user',
      targetId: before.id,
      before: { role: before.role, status: before.status },
      after: { role: after.role, status: after.status },
      at: now,
    })
    return after
  })
}
