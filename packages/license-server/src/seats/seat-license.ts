import type { FloatingPolicy } from '@tollgate/license-client'
import { effectiveStatus } from '../deployments/lease-status.js'
import { AppError } from '../errors/app-error.js'
import type { LicenseRow } from '../licenses/license.table.js'

/**
 * The floating policy of a license that may hold seats now; FLOATING_NOT_ENABLED when its
 * policy sells none, SEAT_LICENSE_INACTIVE when it is suspended, revoked or expired (past the
 * expiry grace), NOT_FOUND when there is no such license.
 *
 * @example
 * ```ts
 * const floating = seatPolicyOf(license, now)
 * ```
 */
export function seatPolicyOf(license: LicenseRow | undefined, now: Date): FloatingPolicy {
  if (!license) throw new AppError('NOT_FOUND', 'The license no longer exists')
  const floating = license.policy.floating
  if (!floating) throw new AppError('FLOATING_NOT_ENABLED')
  const effective = effectiveStatus(
    { status: license.status, expiresAt: license.expires_at, policy: license.policy },
    now,
  )
  if (!effective.seatable) {
    throw new AppError('SEAT_LICENSE_INACTIVE', `The license is ${effective.status}`)
  }
  return floating
}
