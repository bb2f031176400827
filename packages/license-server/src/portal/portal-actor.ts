import type { AuditActor } from '../audit/audit-actor.js'

/** Who is signed in to the portal: a customer's person, or staff through a support link. */
export type PortalPrincipal =
  | {
      kind: 'user'
      tenantId: string
      customerId: string
      userId: string
      email: string
      role: 'admin' | 'member'
    }
  | {
      kind: 'support'
      tenantId: string
      customerId: string
      /** The support link used. */
      linkId: string
      /** The staff actor that created the link (`key:<id>`, `staff:<id>`). */
      createdBy: string
    }

/**
 * The audit actor of a portal action: `portal:<userId>` for a customer's person,
 * `support:<linkId>` for staff looking through a support link.
 *
 * @example
 * ```ts
 * await recordAudit(trx, { ..., actor: portalActor(principal, { requestId: req.id, ip: req.ip }) })
 * ```
 */
export function portalActor(
  p: PortalPrincipal,
  request: { requestId?: string | null; ip?: string | null } = {},
): AuditActor {
  const actor = p.kind === 'user' ? `portal:${p.userId}` : `support:${p.linkId}`
  return { actor, requestId: request.requestId ?? null, ip: request.ip ?? null }
}
