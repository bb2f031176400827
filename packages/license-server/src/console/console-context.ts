import type { FastifyReply, FastifyRequest } from 'fastify'
import { PageError } from '../web/page-error.js'
import { endSession, requireActiveSession } from '../web/sessions.js'
import { roleHasScope } from './roles.js'
import { findStaff } from './staff.repository.js'
import { staffActor } from './staff.service.js'
import type { StaffAccountRow } from './staff.table.js'
import type { AuditActor } from '../audit/audit-actor.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in staff member (console inner pages; set by {@link loadStaff}). */
    staff: StaffAccountRow
  }
}

/**
 * preHandler of the console's inner pages: loads the signed-in staff member; a disabled or
 * deleted account ends the session.
 *
 * @example
 * ```ts
 * inner.addHook('preHandler', loadStaff)
 * ```
 */
export async function loadStaff(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const session = request.web.session
  if (!session || session.stage !== 'active') return // requireSignedIn answered already
  const s = requireActiveSession(request)
  const staff = await findStaff(request.server.tollgate.db, s.tenantId, s.subjectId)
  if (!staff || staff.disabled_at !== null) {
    await endSession(request, reply)
    throw new PageError('SESSION_REQUIRED', 'Your account is disabled or was removed')
  }
  request.staff = staff
}

/**
 * Throws FORBIDDEN unless the signed-in member's role holds `scope` (the API's scope check).
 *
 * @example
 * ```ts
 * requireStaffScope(request, 'licenses:status')
 * ```
 */
export function requireStaffScope(request: FastifyRequest, scope: string): StaffAccountRow {
  const staff = request.staff
  if (!roleHasScope(staff.role, scope)) {
    throw new PageError('FORBIDDEN', `Your role (${staff.role}) does not allow this (${scope})`)
  }
  return staff
}

/** Whether the signed-in member may do what `scope` covers (to show or hide an action). */
export function can(request: FastifyRequest, scope: string): boolean {
  return roleHasScope(request.staff.role, scope)
}

/** The audit actor of the signed-in member for this request. */
export function actorOf(request: FastifyRequest): AuditActor {
  return staffActor(request.staff.id, request)
}
