import type { Kysely } from 'kysely'
import type { AuditActor } from '../audit/audit-actor.js'
import { recordAudit } from '../audit/record-audit.js'
import type { Database } from '../db/database.js'
import { AppError } from '../errors/app-error.js'
import { findLicense } from '../licenses/license.repository.js'
import { countLicenseUsers } from './named-user.repository.js'
import { maxUsersOf, toLicenseUserView } from './named-user.view.js'

/**
 * Releases a named user of a license (by the app, or by staff). Idempotent: releasing a user
 * who is not assigned answers `released: false`. Works whatever the license status, so seats
 * can be cleaned up on a suspended license. Audited `license.user_release`.
 *
 * @example
 * ```ts
 * const r = await releaseUser(db, { tenantId, licenseId, userHash, now, actor })
 * ```
 */
export async function releaseUser(
  db: Kysely<Database>,
  input: { tenantId: string; licenseId: string; userHash: string; now: Date; actor: AuditActor },
): Promise<{ released: boolean; used: number; max: number }> {
  const { tenantId, licenseId, userHash, now } = input
  return db.transaction().execute(async (trx) => {
    const license = await findLicense(trx, tenantId, licenseId, { forUpdate: true })
    if (!license) throw new AppError('NOT_FOUND', `No license ${licenseId}`)
    const gone = await trx
      .deleteFrom('license_users')
      .where('license_id', '=', licenseId)
      .where('user_hash', '=', userHash)
      .returningAll()
      .executeTakeFirst()
    if (gone) {
      await recordAudit(trx, {
        tenantId,
        actor: input.actor,
        action: 'license.user_release',
        targetType: 'license',
        targetId: licenseId,
        before: toLicenseUserView(gone),
        at: now,
      })
    }
    const used = await countLicenseUsers(trx, licenseId)
    return { released: gone !== undefined, used, max: maxUsersOf(license.limits) }
  })
}
