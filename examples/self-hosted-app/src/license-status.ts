import type { LicenseClient, LicenseState } from '@tollgate/license-client'
import type { DemoClock } from './demo-clock.js'

/** What `GET /status` shows. */
export interface LicenseStatus {
  state: LicenseState
  /** Days left in `grace_offline` / `grace_expired`; null outside a grace state. */
  graceDaysLeft: number | null
  tier: string | null
  /** Features the app may use right now. */
  features: readonly string[]
  seats: { used: number; limit: number | null }
  deploymentId: string
  /** How far the demo clock runs ahead of real time (0 without a demo clock). */
  clockOffsetMinutes: number
  about: Record<string, string | undefined>
}

const GRACE = new Set(['grace_offline', 'grace_expired'])

/**
 * The status page's data: the client's state plus what the app derives from it.
 *
 * @example
 * ```ts
 * licenseStatus(license, 3).graceDaysLeft // 30 while offline with a 30-day policy
 * ```
 */
export function licenseStatus(
  license: LicenseClient,
  seatsUsed: number,
  clock?: DemoClock,
  about: Record<string, string | undefined> = {},
): LicenseStatus {
  const state = license.state
  return {
    state,
    graceDaysLeft: GRACE.has(state.code) ? state.daysLeft : null,
    tier: license.license?.claims.tier ?? null,
    features: state.features,
    seats: { used: seatsUsed, limit: license.limit('users') ?? null },
    deploymentId: license.deploymentId,
    clockOffsetMinutes: Math.round((clock?.offsetMs ?? 0) / 60_000),
    about,
  }
}
