import type { AuditActor } from '../audit/audit-actor.js'
import type { Db } from '../db/database.js'
import type { LicenseRow } from './license.table.js'
import type { LicensingDeps } from './licensing-deps.js'
import { reissueToken } from './reissue-token.js'

/**
 * Renews a license to a new expiry (`null`: perpetual) and signs its new token; an expired
 * license becomes active again. Audited as `license.renew`.
 *
 * @example
 * ```ts
 * const { token } = await db.transaction().execute((trx) =>
 *   renewLicense(trx, tenantId, id, new Date('2028-01-01'), { actor: 'stripe:evt_2' }, app.tollgate),
 * )
 * ```
 */
export function renewLicense(
  trx: Db,
  tenantId: string,
  licenseId: string,
  expiresAt: Date | null,
  actor: AuditActor,
  deps: LicensingDeps,
): Promise<{ license: LicenseRow; token: string }> {
  return reissueToken(trx, tenantId, licenseId, actor, deps, { expiresAt, action: 'license.renew' })
}
