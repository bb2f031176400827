import type { FastifyReply, FastifyRequest } from 'fastify'
import { endSession, requireActiveSession } from '../../web/sessions.js'
import { PageError } from '../../web/page-error.js'
import type { PortalPrincipal } from '../portal-actor.js'

/** A support-link session ends this long after it started, whatever the session settings say. */
export const SUPPORT_SESSION_MS = 60 * 60_000

/**
 * The portal principal of a signed-in request: the customer's person (re-read on every request,
 * so a disabled person is signed out at once) or staff through a support link. Anything else
 * ends the session and asks to sign in.
 *
 * @example
 * ```ts
 * const p = await portalPrincipal(request, reply)
 * ```
 */
export async function portalPrincipal(
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<PortalPrincipal> {
  const s = requireActiveSession(request)
  const { db, now } = request.server.tollgate
  const data = s.data as { kind?: string; customerId?: string; createdBy?: string }
  if (data.kind === 'support') {
    if (
      typeof data.customerId === 'string' &&
      now().getTime() - s.createdAt.getTime() < SUPPORT_SESSION_MS
    ) {
      return {
        kind: 'support',
        tenantId: s.tenantId,
        customerId: data.customerId,
        linkId: s.subjectId,
        createdBy: String(data.createdBy ?? 'staff'),
      }
    }
  } else {
    const user = await db
      .selectFrom('portal_users')
      .selectAll()
      .where('tenant_id', '=', s.tenantId)
      .where('id', '=', s.subjectId)
      .executeTakeFirst()
    if (user && user.status !== 'disabled') {
      return {
        kind: 'user',
        tenantId: user.tenant_id,
        customerId: user.customer_id,
        userId: user.id,
        email: user.email,
        role: user.role,
      }
    }
  }
  await endSession(request, reply)
  throw new PageError('SESSION_REQUIRED')
}
