import type { FastifyRequest } from 'fastify'
import { findCustomer } from '../../customers/customer.repository.js'
import { findTenant } from '../../tenants/tenant.repository.js'
import { PageError } from '../../web/page-error.js'
import { findBranding } from '../branding.repository.js'
import type { PortalPrincipal } from '../portal-actor.js'
import { toBranding } from '../set-branding.js'
import type { PortalChrome } from './portal-layout.js'

/**
 * The tenant a signed-out portal page serves: `?tenant=ten_...` (a server hosting several
 * vendors), else the server's own tenant. An unknown tenant is NOT_FOUND.
 *
 * @example
 * ```ts
 * const tenantId = await portalTenant(request)
 * ```
 */
export async function portalTenant(request: FastifyRequest, raw?: unknown): Promise<string> {
  const { db, bootstrap } = request.server.tollgate
  const wanted = raw ?? (request.query as { tenant?: unknown } | null)?.tenant
  if (wanted === undefined || wanted === '') return bootstrap.tenantId
  if (typeof wanted !== 'string' || !/^ten_[0-9a-z]{8,40}$/.test(wanted)) {
    throw new PageError('NOT_FOUND', 'No such portal')
  }
  if (!(await findTenant(db, wanted))) throw new PageError('NOT_FOUND', 'No such portal')
  return wanted
}

/**
 * Branding, names and the CSRF token every portal page needs.
 *
 * @example
 * ```ts
 * const chrome = await portalChrome(request, principal.tenantId, principal)
 * ```
 */
export async function portalChrome(
  request: FastifyRequest,
  tenantId: string,
  principal?: PortalPrincipal,
): Promise<PortalChrome> {
  const { db } = request.server.tollgate
  const [branding, tenant, customer] = await Promise.all([
    findBranding(db, tenantId),
    findTenant(db, tenantId),
    principal ? findCustomer(db, tenantId, principal.customerId) : undefined,
  ])
  return {
    branding: toBranding(branding),
    vendorName: tenant?.name === 'default' || !tenant ? 'Customer portal' : tenant.name,
    csrfToken: request.web.csrfToken,
    ...(principal ? { principal } : {}),
    ...(customer ? { customerName: customer.name } : {}),
  }
}
