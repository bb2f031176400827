import type { LeaseStatus } from '@tollgate/license-client'
import { AppError } from '../errors/app-error.js'
import { checkIn } from './check-in.js'
import { deadAfter } from './dead-deadline.js'
import type { Fleet } from './fleet.js'
import { effectiveStatus, type EffectiveStatus } from './lease-status.js'
import type { VerifiedKey } from './license-key-verifier.js'

/** A heartbeat of one deployment. */
export interface HeartbeatInput {
  installId: string
  appVersion?: string | undefined
  address: string | null
}

/** The answer of a heartbeat. */
export interface HeartbeatResult {
  status: LeaseStatus
  code: EffectiveStatus['code']
  lease: string
}

/**
 * A heartbeat: reads the license status fresh (batched with concurrent heartbeats, never
 * cached, so a revocation reaches the very next heartbeat), records last-seen / version /
 * address in the coalescer (no write on this path), and answers a signed lease.
 *
 * A deployment the server does not hold as active (never activated, deactivated, or culled as
 * dead after missing heartbeats) is activated again on the spot, subject to the seat limit,
 * so a client coming back from an outage needs no special handling.
 *
 * @example
 * ```ts
 * const key = await fleet.verifier.verify(body.key, fleet.now())
 * const { status, lease } = await recordHeartbeat(fleet, key, { installId: body.deploymentId, address: req.ip })
 * ```
 */
export async function recordHeartbeat(
  fleet: Fleet,
  key: VerifiedKey,
  input: HeartbeatInput,
): Promise<HeartbeatResult> {
  const now = fleet.now()
  const state = await fleet.loader.load(key.licenseId, input.installId)
  if (!state || state.tenantId !== key.tenantId) {
    throw new AppError('NOT_FOUND', 'The license no longer exists')
  }
  // In memory only: flushed to request_counts with the others (the console's per-hour chart).
  fleet.requests.count(key.tenantId, 'heartbeat', now)
  if (state.lockedTo !== null && state.lockedTo !== input.installId) {
    throw new AppError('DEPLOYMENT_MISMATCH')
  }
  const effective = effectiveStatus(state, now)
  if (state.deployment?.status !== 'active' && effective.seatable) {
    const r = await checkIn(fleet, {
      tenantId: key.tenantId,
      licenseId: key.licenseId,
      installId: input.installId,
      appVersion: input.appVersion,
      address: input.address,
      now,
    })
    return { status: r.status, code: r.code, lease: r.lease }
  }
  if (state.deployment !== null) {
    fleet.coalescer.record({
      id: state.deployment.id,
      licenseId: state.licenseId,
      tenantId: state.tenantId,
      seenAt: now,
      appVersion: input.appVersion ?? null,
      address: input.address,
      deadAfter: deadAfter(now, state.policy.heartbeatIntervalS, fleet.deadWindow),
      revive: state.deployment.status === 'active',
    })
  }
  const lease = await fleet.signer.sign(state.tenantId, {
    licenseId: state.licenseId,
    deploymentId: input.installId,
    status: effective.status,
    serverTime: now,
    offlineGraceDays: state.policy.offlineGraceDays,
  })
  return { status: effective.status, code: effective.code, lease }
}
