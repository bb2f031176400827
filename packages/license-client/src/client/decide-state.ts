import type { LeaseClaims } from '../lease/types.js'
import type { MachineState } from '../offline/offline-activation.js'
import { isListedSuspended, isRevoked } from '../revocation/revocation-index.js'
import type { RevocationListClaims } from '../revocation/types.js'
import type { LicenseClaims } from '../token/types.js'
import { UNRESTRICTED_STATES, type LicenseState, type LicenseStateCode } from './types.js'

const DAY_S = 86_400
/** Least skew allowed on `nbf` (the policy's clock tolerance applies when larger). */
const SKEW_S = 60

/** Everything {@link decideState} looks at: plain data, no I/O, no clock of its own. */
export interface StateInput {
  /** Claims of the verified license key, or `null` when there is none or it failed to verify. */
  claims: LicenseClaims | null
  /** Why the key failed (shown as the reason of `invalid`), e.g. `BAD_CHECKSUM: ...`. */
  licenseError?: string
  /** The last verified lease; ignored unless it names this license and this deployment. */
  lease: LeaseClaims | null
  /** The newest verified revocation list. */
  revocations: RevocationListClaims | null
  /** Trusted time: newest signed server time plus monotonic elapsed time, unix seconds (0: none). */
  trustedTime: number
  /**
   * Wall clock minus server time when the lease was received, seconds (default 0). The lease's
   * freshness and `validUntil` are judged on the wall clock corrected by it, so a clock 15
   * minutes ahead is not "offline" right after a check-in.
   */
  leaseSkewS?: number
  /** Wall clock, ms since the epoch. */
  now: number
  /** This deployment's id. */
  deploymentId: string
  /** True when a license server is configured: only then does offline grace apply. */
  serverConfigured: boolean
  /** The server refused this deployment (unsigned answer, kept in memory only). */
  refusal?: { code: 'over_limit' | 'deployment_mismatch' | 'invalid'; reason: string } | null
  /** Allowed rollback of the wall clock behind trusted time, seconds. */
  clockToleranceS: number
  /** Features every state keeps. */
  freeFeatures?: readonly string[]
  /** True while a fresh deployment's first activation is in flight (state `activating`). */
  activating?: boolean
  /** Offline activation: the machine file in use, or why there is none (issue 18). */
  machine?: MachineState | undefined
}

/**
 * Decides the license state. The single place where policy lives; first matching rule wins:
 * invalid, deployment_mismatch, revoked, suspended, clock_tampered, not_yet_valid, expired
 * (past `exp` + expiryGraceDays, or offline past the lease), over_limit, the grace states
 * (the one ending first; `activating` instead of `grace_offline` while the first activation is
 * in flight), valid. Restricted states keep only `freeFeatures`.
 *
 * @example
 * ```ts
 * const state = decideState({
 *   claims: license.claims, lease, revocations: null, trustedTime: 0, now: Date.now(),
 *   deploymentId: 'dep_1', serverConfigured: true, clockToleranceS: 3600,
 * })
 * state.code // 'valid' | 'grace_offline' | ...
 * ```
 */
export function decideState(input: StateInput): LicenseState {
  const { claims, now } = input
  const nowS = Math.floor(now / 1000)
  const make = (code: LicenseStateCode, reason: string, daysLeft: number | null): LicenseState =>
    build(input, code, reason, daysLeft)

  if (claims === null) return make('invalid', input.licenseError ?? 'No license key', 0)
  if (input.refusal?.code === 'invalid') return make('invalid', input.refusal.reason, 0)
  if (claims.deployment !== undefined && claims.deployment !== input.deploymentId) {
    return make('deployment_mismatch', 'The license is locked to another deployment', 0)
  }
  if (input.refusal?.code === 'deployment_mismatch') {
    return make('deployment_mismatch', input.refusal.reason, 0)
  }
  // Offline activation: a required machine file must be present and name this machine.
  const machine = input.machine?.claims ?? null
  if (input.machine?.refusal)
    return make(input.machine.refusal.code, input.machine.refusal.reason, 0)
  if (input.machine?.required === true && machine === null) {
    return make('invalid', 'Not activated on this machine (no machine file)', 0)
  }

  const lease = usableLease(input)
  const list = usableList(input)
  if (lease?.status === 'revoked' || (list !== null && isRevoked(list, claims.lid))) {
    return make('revoked', 'The license was revoked', 0)
  }
  if (isSuspended(claims.lid, lease, list)) {
    return make('suspended', 'The license is suspended', 0)
  }

  const trusted = Math.max(
    input.trustedTime,
    claims.iat,
    lease?.serverTime ?? 0,
    list?.iat ?? 0,
    machine?.iat ?? 0,
  )
  if (trusted > nowS + input.clockToleranceS) {
    const behind = Math.round((trusted - nowS) / 3600)
    return make('clock_tampered', `The system clock is ${behind} h behind trusted time`, 0)
  }
  // A key issued a minute ago on a machine a few minutes slow is valid: the same tolerance as
  // for rollbacks applies.
  if (claims.nbf > nowS + Math.max(SKEW_S, input.clockToleranceS)) {
    return make('not_yet_valid', `Not valid before ${iso(claims.nbf)}`, 0)
  }

  const { expiryGraceDays, offlineGraceDays, heartbeatIntervalS } = claims.policy
  const expiryEnd = claims.exp === undefined ? undefined : claims.exp + expiryGraceDays * DAY_S
  if (expiryEnd !== undefined && nowS >= expiryEnd) {
    return make('expired', `Expired on ${iso(claims.exp!)} (grace ended ${iso(expiryEnd)})`, 0)
  }
  if (machine !== null && nowS >= machine.exp) {
    return make('expired', `The machine file expired on ${iso(machine.exp)}`, 0)
  }

  // Offline grace counts from the last signed lease; a deployment that never reached the
  // server counts from the license's issue time (nothing on disk can be trusted to extend it).
  let offlineEnd: number | undefined
  if (input.serverConfigured) {
    // Lease times are compared with the wall clock as it stood relative to the server at receipt.
    const leaseNowS = nowS - (lease === null ? 0 : (input.leaseSkewS ?? 0))
    const fresh = lease !== null && leaseNowS - lease.serverTime <= staleAfterS(heartbeatIntervalS)
    offlineEnd = fresh ? undefined : (lease?.validUntil ?? claims.iat + offlineGraceDays * DAY_S)
    if (offlineEnd !== undefined && leaseNowS >= offlineEnd) {
      const since = lease === null ? 'never reached the license server' : 'no server contact'
      return make('expired', `Offline grace ended ${iso(offlineEnd)} (${since})`, 0)
    }
  }
  if (input.refusal?.code === 'over_limit') return make('over_limit', input.refusal.reason, 0)

  const inExpiryGrace = claims.exp !== undefined && nowS >= claims.exp
  if (inExpiryGrace && (offlineEnd === undefined || expiryEnd! <= offlineEnd)) {
    return make('grace_expired', `Expired on ${iso(claims.exp!)}`, days(expiryEnd! - nowS))
  }
  if (offlineEnd !== undefined && lease === null && input.activating === true) {
    return make('activating', 'First activation in progress', days(offlineEnd - nowS))
  }
  if (offlineEnd !== undefined) {
    const last = lease === null ? 'never' : `last ${iso(lease.serverTime)}`
    return make('grace_offline', `No server contact (${last})`, days(offlineEnd - nowS))
  }
  const until = Math.min(claims.exp ?? Infinity, machine?.exp ?? Infinity)
  return make('valid', 'License valid', until === Infinity ? null : days(until - nowS))
}

/** A lease counts as "recently online" for two heartbeat intervals (at least 10 minutes). */
function staleAfterS(heartbeatIntervalS: number): number {
  return Math.max(2 * heartbeatIntervalS, 600)
}

function usableLease(input: StateInput): LeaseClaims | null {
  const { lease, claims } = input
  if (lease === null || claims === null) return null
  return lease.lid === claims.lid && lease.deployment === input.deploymentId ? lease : null
}

function usableList(input: StateInput): RevocationListClaims | null {
  const { revocations: list, claims } = input
  if (list === null || claims === null) return null
  // A list from another issuer (tenant) says nothing about this license.
  return list.iss !== undefined && claims.iss !== undefined && list.iss !== claims.iss ? null : list
}

/** Suspension can be lifted, so the newest signed statement (lease or list) wins. */
function isSuspended(
  lid: string,
  lease: LeaseClaims | null,
  list: RevocationListClaims | null,
): boolean {
  if (lease !== null && (list === null || lease.serverTime >= list.iat)) {
    return lease.status === 'suspended'
  }
  return list !== null && isListedSuspended(list, lid)
}

function build(
  input: StateInput,
  code: LicenseStateCode,
  reason: string,
  daysLeft: number | null,
): LicenseState {
  const restricted = !UNRESTRICTED_STATES.has(code)
  // An expired license keeps its plan's free features (signed in the token; issue 18) too.
  const signedFree = code === 'expired' ? (input.claims?.policy.freeFeatures ?? []) : []
  const free = [...(input.freeFeatures ?? []), ...signedFree]
  const features = restricted
    ? [...new Set(free)]
    : [...new Set([...(input.claims?.entitlements ?? []), ...free])]
  return Object.freeze({
    code,
    reason,
    daysLeft,
    restricted,
    features: Object.freeze(features),
    licenseId: input.claims?.lid ?? null,
    expiresAt: input.claims?.exp === undefined ? null : iso(input.claims.exp),
    checkedAt: new Date(input.now).toISOString(),
  })
}

function days(seconds: number): number {
  return Math.max(0, Math.ceil(seconds / DAY_S))
}

function iso(unixS: number): string {
  return new Date(unixS * 1000).toISOString()
}
