import type { AuditActor } from '../audit/audit-actor.js'
import { recordAudit } from '../audit/record-audit.js'
import { findCustomer } from '../customers/customer.repository.js'
import type { Db } from '../db/database.js'
import { AppError } from '../errors/app-error.js'
import type { LicenseRow } from './license.table.js'
import type { LicensingDeps } from './licensing-deps.js'
import { signLicenseRow } from './sign-license-row.js'

/** How a key was taken: shown for copying, or downloaded as a license file. */
export type KeyRevealVia = 'copy' | 'download'

/**
 * The license key of `row` for "copy key" / "download license file", inside the caller's
 * transaction. Tokens are not stored: it is signed from the row (the source of truth of every
 * claim) with the tenant's active key, without changing the row. Who took the key is audited
 * (`license.key_reveal` with `via`). A revoked license has no usable key
 * (INVALID_STATE_TRANSITION). The portal and the staff console both call this.
 *
 * @example
 * ```ts
 * const token = await signKeyForReveal(trx, app.tollgate, row, actor, { via: 'copy', now })
 * ```
 */
export async function signKeyForReveal(
  trx: Db,
  deps: LicensingDeps,
  row: LicenseRow,
  actor: AuditActor,
  ctx: { via: KeyRevealVia; now: Date },
): Promise<string> {
  if (row.status === 'revoked') {
    throw new AppError('INVALID_STATE_TRANSITION', 'A revoked license has no usable key')
  }
  const key = await deps.signingKeys.getActive(trx, row.tenant_id)
  const customer = await findCustomer(trx, row.tenant_id, row.customer_id)
  const token = signLicenseRow(row, key, {
    prefix: deps.tokenPrefix,
    ...(customer ? { customerName: customer.name } : {}),
  })
  await recordAudit(trx, {
    tenantId: row.tenant_id,
    actor,
    action: 'license.key_reveal',
    targetType: 'license',
    targetId: row.id,
    after: { via: ctx.via, kid: key.kid },
    at: ctx.now,
  })
  return token
}
