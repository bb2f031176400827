import { AppError } from '../errors/app-error.js'
import type { PortalPrincipal } from './portal-actor.js'

/**
 * Narrows a principal to a customer's own person; a support-link session (staff looking at
 * what the customer sees) is read-only and gets PORTAL_READ_ONLY.
 *
 * @example
 * ```ts
 * requireCustomerUser(principal)
 * ```
 */
export function requireCustomerUser(
  p: PortalPrincipal,
): asserts p is Extract<PortalPrincipal, { kind: 'user' }> {
  if (p.kind !== 'user') {
    throw new AppError('PORTAL_READ_ONLY', 'A support session can look but not change anything')
  }
}

/**
 * Narrows a principal to an admin of the customer account (team and billing management).
 *
 * @example
 * ```ts
 * requirePortalAdmin(principal)
 * ```
 */
export function requirePortalAdmin(
  p: PortalPrincipal,
): asserts p is Extract<PortalPrincipal, { kind: 'user' }> {
  requireCustomerUser(p)
  if (p.role !== 'admin') {
    throw new AppError('PORTAL_ADMIN_REQUIRED', 'Only an admin of the account can do this')
  }
}
