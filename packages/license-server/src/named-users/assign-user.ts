import type { Kysely } from 'kysely'
import type { AuditActor } from '../audit/audit-actor.js'
import { recordAudit } from '../audit/record-audit.js'
import type { Database } from '../db/database.js'
import { effectiveStatus } from '../deployments/lease-status.js'
import { AppError } from '../errors/app-error.js'
import { findLicense } from '../licenses/license.repository.js'
import { countLicenseUsers, findLicenseUser } from './named-user.repository.js'
import { maxUsersOf, toLicenseUserView } from './named-user.view.js'

/** Result of {@link assignUser}: whether a seat was taken now, and the count after. */
export interface AssignResult {
  assigned: boolean
  used: number
  /** `limits.maxUsers`; 0: no limit. */
  max: number
}

/**
 * Assigns a named user (a hashed id) to a license. Idempotent: an assigned user is answered
 * `assigned: false` and never counts twice. The license row is locked for the transaction, so
 * concurrent assigns on any instance are counted one after another and never exceed
 * `limits.maxUsers` (USER_LIMIT_REACHED); the primary key keeps each user once. A revoked,
 * suspended or expired license assigns nobody. Audited `license.user_assign`.
 *
 * @example
 * ```ts
 * const r = await assignUser(db, { tenantId, licenseId, userHash, now, actor: { actor: 'license:lic_1' } })
 * ```
 */
export async function assignUser(
  db: Kysely<Database>,
  input: { tenantId: string; licenseId: string; userHash: string; now: Date; actor: AuditActor },
): Promise<AssignResult> {
  const { tenantId, licenseId, userHash, now } = input
  return db.transaction().execute(async (trx) => {
    const license = await findLicense(trx, tenantId, licenseId, { forUpdate: true })
    if (!license) throw new AppError('NOT_FOUND', 'The license no longer exists')
    const state = effectiveStatus(
      { status: license.status, expiresAt: license.expires_at, policy: license.policy },
      now,
    )
    if (state.status === 'revoked') throw new AppError('LICENSE_REVOKED')
    if (state.status === 'suspended') throw new AppError('LICENSE_SUSPENDED')
    if (state.status === 'expired') throw new AppError('LICENSE_EXPIRED')
    const max = maxUsersOf(license.limits)
    const used = await countLicenseUsers(trx, licenseId)
    if (await findLicenseUser(trx, licenseId, userHash)) return { assigned: false, used, max }
    if (max > 0 && used >= max) {
      throw new AppError('USER_LIMIT_REACHED', `The license allows ${max} named users`)
    }
    const row = {
      license_id: licenseId,
      user_hash: userHash,
      tenant_id: tenantId,
      assigned_at: now,
    }
    await trx.insertInto('license_users').values(row).execute()
    await recordAudit(trx, {
      tenantId,
      actor: input.actor,
      action: 'license.user_assign',
      targetType: 'license',
      targetId: licenseId,
      after: toLicenseUserView(row),
      at: now,
    })
    return { assigned: true, used: used + 1, max }
  })
}
