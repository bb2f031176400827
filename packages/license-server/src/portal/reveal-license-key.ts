import type { Kysely } from 'kysely'
import { recordAudit } from '../audit/record-audit.js'
import { findCustomer } from '../customers/customer.repository.js'
import type { Database } from '../db/database.js'
import { AppError } from '../errors/app-error.js'
import type { LicensingDeps } from '../licenses/licensing-deps.js'
import { signLicenseRow } from '../licenses/sign-license-row.js'
import { findCustomerLicense } from './customer-licenses.js'
import { portalActor, type PortalPrincipal } from './portal-actor.js'
import { requireCustomerUser } from './require-customer-user.js'

/**
 * The license key of one of the customer's licenses, for "copy key" and "download license
 * file". Tokens are not stored: it is signed from the license row (the source of truth of
 * every claim) with the tenant's active key, without changing the row. Who took the key is
 * audited (`license.key_reveal`, with `via: copy|download`). A revoked license has no usable
 * key (INVALID_STATE_TRANSITION); a support session does not get keys (PORTAL_READ_ONLY).
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
    if (row.status === 'revoked') {
      throw new AppError('INVALID_STATE_TRANSITION', 'A revoked license has no usable key')
    }
    const key = await deps.signingKeys.getActive(trx, tenantId)
    const customer = await findCustomer(trx, tenantId, customerId)
    const token = signLicenseRow(row, key, {
      prefix: deps.tokenPrefix,
      ...(customer ? { customerName: customer.name } : {}),
    })
    await recordAudit(trx, {
      tenantId,
      actor: portalActor(principal, ctx),
      action: 'license.key_reveal',
      targetType: 'license',
      targetId: row.id,
      after: { via: ctx.via, kid: key.kid },
      at: ctx.now,
    })
    return { token, licenseId: row.id, product: row.product }
  })
}
