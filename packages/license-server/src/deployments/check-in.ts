import type { LeaseStatus } from '@tollgate/license-client'
import { AppError } from '../errors/app-error.js'
import type { LicenseRow } from '../licenses/license.table.js'
import { detectKeySharing } from '../violations/detect-key-sharing.js'
import {
  activateDeployment,
  type ActivateInput,
  type ActivationOutcome,
} from './activate-deployment.js'
import { upsertLicenseAddresses } from './deployment.repository.js'
import type { DeploymentRow } from './deployment.table.js'
import type { Fleet } from './fleet.js'
import type { EffectiveStatus } from './lease-status.js'

/** The answer of an activation (and of a heartbeat that had to activate). */
export interface CheckInResult {
  status: LeaseStatus
  code: EffectiveStatus['code']
  lease: string
  license: LicenseRow
  deployment: DeploymentRow | null
  outcome: ActivationOutcome
}

/**
 * Activation as the public API runs it: {@link activateDeployment}, then key-sharing detection
 * when the license gained (or was refused) a deployment, then TOO_MANY_DEPLOYMENTS for a
 * refusal, else a lease stating the license's status.
 *
 * @example
 * ```ts
 * const r = await checkIn(fleet, { tenantId, licenseId, installId, address: req.ip, now: fleet.now() })
 * reply.send({ status: r.status, lease: r.lease })
 * ```
 */
export async function checkIn(fleet: Fleet, input: ActivateInput): Promise<CheckInResult> {
  const r = await activateDeployment(fleet.ctx.db, { deadWindow: fleet.deadWindow, ...input })
  let newAddress = false
  if (input.address !== null) {
    // Outside the seat transaction (it holds the license row lock); at most once a minute per
    // (license, address), like heartbeats.
    const due = fleet.addresses.due(
      [
        {
          licenseId: r.license.id,
          tenantId: r.license.tenant_id,
          address: input.address,
          seenAt: input.now,
        },
      ],
      fleet.now().getTime(),
    )
    await upsertLicenseAddresses(fleet.ctx.db, due.sightings)
    newAddress = due.licenseIds.length > 0
  }
  if (newAddress || (r.outcome !== 'existing' && r.outcome !== 'not_seated')) {
    try {
      await detectKeySharing(fleet.ctx.db, [r.license.id], {
        now: input.now,
        defaults: fleet.options.keySharing,
        licenseCache: fleet.ctx.licenseCache,
      })
    } catch (err) {
      // Detection is a side concern: it must never fail the activation itself.
      fleet.log.warn(
        { err: err instanceof Error ? err.message : String(err) },
        'key-sharing check failed',
      )
    }
  }
  if (r.outcome === 'moved') {
    throw new AppError(
      'DEPLOYMENT_MISMATCH',
      'This deployment id belongs to another machine (policy onFingerprintChange: block)',
    )
  }
  if (r.outcome === 'refused') {
    throw new AppError(
      'TOO_MANY_DEPLOYMENTS',
      `The license allows ${r.seats.max} deployments and all are in use; deactivate one first`,
    )
  }
  const lease = await fleet.signer.sign(r.license.tenant_id, {
    licenseId: r.license.id,
    deploymentId: input.installId,
    status: r.effective.status,
    serverTime: input.now,
    offlineGraceDays: r.license.policy.offlineGraceDays,
  })
  return {
    status: r.effective.status,
    code: r.effective.code,
    lease,
    license: r.license,
    deployment: r.deployment,
    outcome: r.outcome,
  }
}
