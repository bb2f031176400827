import type { Kysely } from 'kysely'
import type { Database } from '../db/database.js'
import { emitEvent } from '../events/emit-event.js'
import { AppError } from '../errors/app-error.js'
import { findLicense } from '../licenses/license.repository.js'
import type { LicenseRow } from '../licenses/license.table.js'
import { newId } from '../lib/ids.js'
import { recordViolation } from '../violations/record-violation.js'
import { enforceTrialMachine } from '../trials/enforce-trial-machine.js'
import {
  countActiveDeployments,
  findDeployment,
  insertDeployment,
  updateDeploymentSighting,
} from './deployment.repository.js'
import type { DeploymentFingerprint, DeploymentRow } from './deployment.table.js'
import { deadAfter, DEFAULT_DEAD_WINDOW, type DeadWindow } from './dead-deadline.js'
import { toDeploymentView } from './deployment.view.js'
import { effectiveStatus, type EffectiveStatus } from './lease-status.js'

/** An activation request, resolved to its license. */
export interface ActivateInput {
  tenantId: string
  licenseId: string
  /** The client's install id. */
  installId: string
  fingerprint?: DeploymentFingerprint | undefined
  appVersion?: string | undefined
  address: string | null
  now: Date
  /** The fleet's dead-deployment window (default {@link DEFAULT_DEAD_WINDOW}). */
  deadWindow?: DeadWindow | undefined
}

/** What an activation did. */
export type ActivationOutcome =
  | 'activated'
  | 'reactivated'
  | 'existing'
  | 'refused'
  | 'not_seated'
  /** The deployment id is known from another machine and the policy blocks the copy. */
  | 'moved'

/** Result of {@link activateDeployment}. */
export interface ActivateResult {
  license: LicenseRow
  effective: EffectiveStatus
  deployment: DeploymentRow | null
  outcome: ActivationOutcome
  /** Seats in use after the call, and the limit (0: unlimited). */
  seats: { used: number; max: number }
}

/**
 * Activates a deployment: takes a seat unless the license is at `maxDeployments` (0 means no
 * limit), honouring the node lock. Re-activating an active deployment only refreshes it
 * (idempotent, no second seat). The license row is locked for the transaction, so concurrent
 * activations of one license (on any instance) are counted one after the other and can never
 * exceed the limit. A license that cannot hold seats (suspended, revoked, expired) takes none:
 * the caller still answers with a lease stating that status.
 *
 * A refusal is recorded (status `refused`, no seat: the admin list and key-sharing detection
 * see it) and committed; the caller then answers TOO_MANY_DEPLOYMENTS.
 *
 * @example
 * ```ts
 * const r = await activateDeployment(db, { tenantId, licenseId, installId: 'inst-1', address: ip, now: new Date() })
 * if (r.outcome === 'refused') throw new AppError('TOO_MANY_DEPLOYMENTS')
 * ```
 */
export async function activateDeployment(
  db: Kysely<Database>,
  input: ActivateInput,
): Promise<ActivateResult> {
  return db.transaction().execute(async (trx) => {
    const license = await findLicense(trx, input.tenantId, input.licenseId, { forUpdate: true })
    if (!license) throw new AppError('NOT_FOUND', 'The license no longer exists')
    if (license.deployment_id !== null && license.deployment_id !== input.installId) {
      throw new AppError('DEPLOYMENT_MISMATCH')
    }
    const effective = effectiveStatus(
      { status: license.status, expiresAt: license.expires_at, policy: license.policy },
      input.now,
    )
    const max = license.policy.maxDeployments
    const existing = await findDeployment(trx, license.id, input.installId)
    const before = existing?.fingerprint.machineId
    const after = input.fingerprint?.machineId
    if (before !== undefined && after !== undefined && before !== after) {
      // The client's storage dir (its deployment id) now runs on another machine: a copied
      // directory, or one machine id reused across machines. Recorded; with the policy 'block'
      // the copy is refused (the seat stays with the first machine, whose fingerprint is kept).
      const block = license.policy.onFingerprintChange === 'block'
      await recordViolation(trx, {
        tenantId: license.tenant_id,
        licenseId: license.id,
        installId: input.installId,
        kind: 'fingerprint_changed',
        severity: block ? 'high' : 'medium',
        source: 'server',
        details: { previousMachineId: before, machineId: after },
        address: input.address,
        now: input.now,
      })
      if (block) {
        const seats = { used: await countActiveDeployments(trx, license.id), max }
        return { license, effective, deployment: existing ?? null, outcome: 'moved', seats }
      }
    }
    const base = {
      fingerprint: input.fingerprint ?? existing?.fingerprint ?? {},
      appVersion: input.appVersion ?? null,
      address: input.address,
      now: input.now,
      deadAfter: deadAfter(
        input.now,
        license.policy.heartbeatIntervalS,
        input.deadWindow ?? DEFAULT_DEAD_WINDOW,
      ),
    }
    if (!effective.seatable) {
      const used = await countActiveDeployments(trx, license.id)
      return {
        license,
        effective,
        deployment: existing ?? null,
        outcome: 'not_seated',
        seats: { used, max },
      }
    }
    if (existing?.status === 'active') {
      const deployment = await updateDeploymentSighting(trx, existing.id, {
        ...base,
        status: 'active',
        seated: false,
      })
      const used = await countActiveDeployments(trx, license.id)
      return { license, effective, deployment, outcome: 'existing', seats: { used, max } }
    }
    // Trials (issue 18): one trial per machine; a second trial license here is refused.
    await enforceTrialMachine(
      trx,
      license,
      input.fingerprint?.machineId || input.installId,
      input.now,
    )
    const used = await countActiveDeployments(trx, license.id)
    const refused = max > 0 && used >= max
    const status = refused ? 'refused' : 'active'
    const deployment = existing
      ? await updateDeploymentSighting(trx, existing.id, { ...base, status, seated: !refused })
      : await insertDeployment(
          trx,
          {
            id: newId('dep'),
            tenantId: license.tenant_id,
            licenseId: license.id,
            installId: input.installId,
          },
          { ...base, status },
        )
    if (!refused) {
      await emitEvent(trx, {
        tenantId: license.tenant_id,
        type: 'deployment.activated',
        licenseId: license.id,
        subjectType: 'deployment',
        subjectId: deployment.id,
        data: { object: toDeploymentView(deployment), reactivated: existing !== undefined },
        at: input.now,
      })
    }
    return {
      license,
      effective,
      deployment,
      outcome: refused ? 'refused' : existing ? 'reactivated' : 'activated',
      seats: { used: refused ? used : used + 1, max },
    }
  })
}
