import type { Kysely } from 'kysely'
import type { Database } from '../db/database.js'
import type { LicensingDeps } from '../licenses/licensing-deps.js'
import { signKeyForReveal } from '../licenses/reveal-license-key.js'
import { findCustomerLicense } from './customer-licenses.js'
import { portalActor, type PortalPrincipal } from './portal-actor.js'
import { requireCustomerUser } from './require-customer-user.js'

/**
 * The license key of one of the customer's licenses, for "copy key" and "download license
 * file". Tokens are not stored: it is signed from the license row (the source of truth of
 * every claim) by {@link signKeyForReveal} (audited; none for a revoked license) after the
 * customer check; a support session does not get keys (PORTAL_READ_ONLY).
 *
 * @example
 * ```ts
 * const { token } = await revealLicenseKey(db, app.tollgate, principal, 'lic_...', { via: 'download', now })
 * ```
 */
export async function revealLicenseKey(
  db: Kysely<Database>,
  deps: LicensingDeps,
  principal: PortalPrincipal,
  licenseId: string,
  ctx: { via: 'copy' | 'download'; now: Date; requestId?: string; ip?: string },
): Promise<{ token: string; licenseId: string; product: string }> {
  requireCustomerUser(principal)
  const { tenantId, customerId } = principal
  return db.transaction().execute(async (trx) => {
    const { row } = await findCustomerLicense(trx, tenantId, customerId, licenseId, ctx.now)
    const token = await signKeyForReveal(trx, deps, row, portalActor(principal, ctx), ctx)
    return { token, licenseId: row.id, product: row.product }
  })
}
