import type { AuditActor } from '../audit/audit-actor.js'
import { recordAudit } from '../audit/record-audit.js'
import type { Db } from '../db/database.js'
import { AppError } from '../errors/app-error.js'
import { PageError } from '../web/page-error.js'
import type { StaffRole } from './roles.js'
import { countActiveOwners, findStaff, updateStaff } from './staff.repository.js'
import { staffView } from './staff-view.js'
import type { StaffAccountRow } from './staff.table.js'

// The staff services live one operation per file; these re-exports keep older imports working.
export { acceptInvite } from './accept-invite.js'
export { createInvite, ensureSetupLink, INVITE_TTL_MS, openInvite } from './staff-invites.js'
export { staffActor, staffView } from './staff-view.js'

/**
 * Changes a member's role or disables/enables them. Never leaves the tenant without an enabled
 * owner; only owners touch owners.
 *
 * @example
 * ```ts
 * await updateStaffAccess(trx, tenantId, id, { role: 'sales' }, { role: 'owner', actor }, now)
 * ```
 */
export async function updateStaffAccess(
  trx: Db,
  tenantId: string,
  id: string,
  change: { role?: StaffRole; disabled?: boolean },
  by: { role: StaffRole; actor: AuditActor },
  now: Date,
): Promise<StaffAccountRow> {
  const before = await findStaff(trx, tenantId, id, { forUpdate: true })
  if (!before) throw new AppError('NOT_FOUND', 'No such staff member')
  if ((before.role === 'owner' || change.role === 'owner') && by.role !== 'owner') {
    throw new PageError('FORBIDDEN', 'Only an owner can change an owner')
  }
  const role = change.role ?? before.role
  const disabledAt =
    change.disabled === undefined ? before.disabled_at : change.disabled ? now : null
  await updateStaff(trx, tenantId, id, { role, disabled_at: disabledAt, updated_at: now })
  if (before.role === 'owner' && (await countActiveOwners(trx, tenantId)) === 0) {
    throw new PageError('CONFLICT', 'The tenant must keep at least one enabled owner')
  }
  const after = { ...before, role, disabled_at: disabledAt }
  await recordAudit(trx, {
    tenantId,
    actor: by.actor,
    action:
      change.disabled === true
        ? 'staff.disable'
        : change.disabled === false
          ? 'staff.enable'
          : 'staff.role',
    targetType: 'staff',
    targetId: id,
    before: staffView(before),
    after: staffView(after),
    at: now,
  })
  if (disabledAt !== null) {
    await trx
      .deleteFrom('web_sessions')
      .where('realm', '=', 'staff')
      .where('subject_id', '=', id)
      .execute()
  }
  return after
}
