import type { LeaseStatus } from '@tollgate/license-client'
import type { FleetState } from './fleet-state-loader.js'

const DAY_MS = 86_400_000

/** The status a lease states, with the validation code the API answers next to it. */
export interface EffectiveStatus {
  status: LeaseStatus
  code: 'VALID' | 'GRACE_EXPIRED' | 'EXPIRED' | 'SUSPENDED' | 'REVOKED'
  /** True when the license may hold seats (new activations, heartbeats keep theirs). */
  seatable: boolean
}

/**
 * A license's status as of `now`: the stored status, with an active license past its expiry
 * plus `expiryGraceDays` counted as `expired` (inside the grace it is still active: the client
 * shows `grace_expired` from the token's own `exp`).
 *
 * @example
 * ```ts
 * effectiveStatus(state, new Date()).status // 'active' | 'suspended' | 'revoked' | 'expired'
 * ```
 */
export function effectiveStatus(
  state: Pick<FleetState, 'status' | 'expiresAt' | 'policy'>,
  now: Date,
): EffectiveStatus {
  switch (state.status) {
    case 'revoked':
      return { status: 'revoked', code: 'REVOKED', seatable: false }
    case 'suspended':
      return { status: 'suspended', code: 'SUSPENDED', seatable: false }
    case 'expired':
      return { status: 'expired', code: 'EXPIRED', seatable: false }
    case 'active':
      break
  }
  if (state.expiresAt !== null) {
    const t = now.getTime()
    const exp = state.expiresAt.getTime()
    if (t >= exp + state.policy.expiryGraceDays * DAY_MS) {
      return { status: 'expired', code: 'EXPIRED', seatable: false }
    }
    if (t >= exp) return { status: 'active', code: 'GRACE_EXPIRED', seatable: true }
  }
  return { status: 'active', code: 'VALID', seatable: true }
}
