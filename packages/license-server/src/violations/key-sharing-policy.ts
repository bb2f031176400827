import type { LicensePolicy } from '@tollgate/license-client'

/** What happens when key sharing is detected. */
export type KeySharingAction = 'flag' | 'suspend'

/** The effective key-sharing policy of one license. */
export interface KeySharingPolicy {
  /** Sliding window, seconds. */
  windowS: number
  /** Distinct deployments (install ids) allowed within the window; 0: not checked. */
  maxDeployments: number
  /** Distinct source addresses allowed within the window; 0: not checked. */
  maxAddresses: number
  /** `flag`: record a violation; `suspend`: also suspend the license (audited). */
  action: KeySharingAction
}

/** Server-wide defaults; limits are multiples of the license's `maxDeployments`. */
export interface KeySharingDefaults {
  windowS: number
  /** Distinct deployments allowed = factor x maxDeployments. */
  deploymentsFactor: number
  /** Distinct addresses allowed = factor x maxDeployments. */
  addressesFactor: number
  action: KeySharingAction
}

/** Defaults: within an hour, more than twice the seats in installs or addresses is flagged. */
export const DEFAULT_KEY_SHARING: KeySharingDefaults = {
  windowS: 3600,
  deploymentsFactor: 2,
  addressesFactor: 2,
  action: 'flag',
}

const positive = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : undefined

/**
 * The key-sharing policy of a license: the server defaults scaled by its `maxDeployments`
 * (0 = unlimited seats: nothing to compare against), overridden field by field by the license's
 * `metadata.keySharing` (`{ windowS?, maxDeployments?, maxAddresses?, action? }`), which a
 * vendor sets per license through the admin API.
 *
 * @example
 * ```ts
 * resolveKeySharingPolicy(row.policy, row.metadata, DEFAULT_KEY_SHARING)
 * // { windowS: 3600, maxDeployments: 6, maxAddresses: 6, action: 'flag' } for maxDeployments 3
 * ```
 */
export function resolveKeySharingPolicy(
  policy: LicensePolicy,
  metadata: Record<string, unknown>,
  defaults: KeySharingDefaults,
): KeySharingPolicy {
  const seats = policy.maxDeployments
  const raw = metadata.keySharing
  const o = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {}
  const windowS = positive(o.windowS)
  return {
    windowS: windowS !== undefined && windowS > 0 ? windowS : defaults.windowS,
    maxDeployments: positive(o.maxDeployments) ?? Math.ceil(seats * defaults.deploymentsFactor),
    maxAddresses: positive(o.maxAddresses) ?? Math.ceil(seats * defaults.addressesFactor),
    action: o.action === 'suspend' || o.action === 'flag' ? o.action : defaults.action,
  }
}
