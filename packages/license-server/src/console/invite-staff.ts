import type { AuditActor } from '../audit/audit-actor.js'
import type { Db } from '../db/database.js'
import { AppError } from '../errors/app-error.js'
import type { StaffRole } from './roles.js'
import { createInvite } from './staff-invites.js'
import type { StaffInviteRow } from './staff.table.js'

/** What {@link inviteStaff} answers: the one-time token (shown once) and where it is used. */
export interface StaffInvitation {
  invite: StaffInviteRow
  token: string
  /** `/console/invite/<token>`: prefix the server's public origin. */
  path: string
}

/**
 * Invites a person to the tenant's staff with a role: a one-time link valid 7 days (only its
 * hash is stored), audited `staff.invite`. The inviter may grant only `grantable` roles
 * (INSUFFICIENT_SCOPE otherwise: `grantableRoles` for a console member,
 * `grantableRolesForScopes` for an API key); an email that already has an account is CONFLICT.
 * The console's staff page and `POST /v1/admin/staff/invitations` (`tollgate staff invite`) call
 * this.
 *
 * @example
 * ```ts
 * const { path } = await db.transaction().execute((trx) =>
 *   inviteStaff(trx, { tenantId, email: 'sam@vendor.test', role: 'support', grantable: grantableRoles('admin'), actor, now: now() }),
 * )
 * ```
 */
export async function inviteStaff(
  trx: Db,
  i: {
    tenantId: string
    email: string
    role: StaffRole
    grantable: readonly StaffRole[]
    actor: AuditActor
    now: Date
  },
): Promise<StaffInvitation> {
  if (!i.grantable.includes(i.role)) {
    throw new AppError('INSUFFICIENT_SCOPE', `You cannot grant the role ${i.role}`)
  }
  const { token, invite } = await createInvite(trx, {
    tenantId: i.tenantId,
    email: i.email.toLowerCase(),
    role: i.role,
    actor: i.actor,
    now: i.now,
  })
  return { invite, token, path: `/console/invite/${token}` }
}
