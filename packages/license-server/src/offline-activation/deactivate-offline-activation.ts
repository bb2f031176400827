import {
  DeactivationProofInvalidError,
  peekDeactivationProof,
  verifyDeactivationProof,
  type DeactivationProofClaims,
} from '@tollgate/license-client'
import type { AuditActor } from '../audit/audit-actor.js'
import { recordAudit } from '../audit/record-audit.js'
import { deactivateDeployment, findDeploymentById } from '../deployments/deployment.repository.js'
import type { Fleet } from '../deployments/fleet.js'
import { AppError } from '../errors/app-error.js'
import { findLicense } from '../licenses/license.repository.js'
import { offlineCounter } from './offline-metrics.js'
import {
  findOfflineActivation,
  markDeactivated,
  otherLiveActivation,
} from './offline-activation.repository.js'
import { toOfflineActivationView, type OfflineActivationView } from './offline-activation.view.js'

/** Input of {@link deactivateOfflineActivation}. */
export interface DeactivateOfflineInput {
  tenantId: string
  /** The deactivation proof (compact JWS text). */
  proof: unknown
  /** Portal callers: the activation's license must belong to this customer (else NOT_FOUND). */
  customerId?: string
  actor: AuditActor
}

/** Result of {@link deactivateOfflineActivation}. */
export interface DeactivateOfflineResult {
  activation: OfflineActivationView
  /** False when the proof had already been brought back (a replay changes nothing). */
  deactivated: boolean
  /** True when this call freed the deployment's seat. */
  seatFreed: boolean
}

/**
 * Frees an air-gapped machine's seat with the deactivation proof its client wrote. The proof
 * must verify against the deployment key recorded from the activation request, which only the
 * client on that machine holds, so a vendor or customer cannot free a seat by claiming a
 * machine is gone while it keeps running with its machine file. Replaying a proof is harmless:
 * the activation is already deactivated and nothing changes. The seat is freed unless another
 * live machine file holds the same deployment. Audited as `offline_activation.deactivate`.
 *
 * @example
 * ```ts
 * const r = await deactivateOfflineActivation(app.fleet, { tenantId, proof, actor })
 * r.seatFreed // true
 * ```
 */
export async function deactivateOfflineActivation(
  fleet: Fleet,
  input: DeactivateOfflineInput,
): Promise<DeactivateOfflineResult> {
  const counter = offlineCounter(fleet.ctx.metrics.registry)
  const invalid = (message: string): AppError => {
    counter.inc({ outcome: 'invalid' })
    return new AppError('DEACTIVATION_PROOF_INVALID', message)
  }
  const text = typeof input.proof === 'string' ? input.proof.trim() : input.proof
  let act: string
  try {
    act = peekDeactivationProof(text).act
  } catch (err) {
    throw invalid(err instanceof DeactivationProofInvalidError ? err.message : 'unreadable')
  }
  const now = fleet.now()
  const { db } = fleet.ctx
  const found = await findOfflineActivation(db, input.tenantId, act)
  const license = found && (await findLicense(db, input.tenantId, found.license_id))
  if (
    !found ||
    !license ||
    (input.customerId !== undefined && license.customer_id !== input.customerId)
  ) {
    throw new AppError('NOT_FOUND', `No offline activation ${act}`)
  }
  let claims: DeactivationProofClaims
  try {
    claims = verifyDeactivationProof(text as string, found.deployment_key)
  } catch (err) {
    throw invalid(err instanceof DeactivationProofInvalidError ? err.message : 'unreadable')
  }
  if (
    claims.lid !== found.license_id ||
    claims.deployment !== found.install_id ||
    claims.fpr !== found.machine_id
  ) {
    throw invalid('The proof names another license, deployment or machine')
  }
  const r = await db.transaction().execute(async (trx) => {
    const row = (await findOfflineActivation(trx, input.tenantId, act, { forUpdate: true }))!
    if (row.deactivated_at !== null) return { row, deactivated: false, seatFreed: false }
    const after = await markDeactivated(trx, row.id, now)
    let seatFreed = false
    const deployment = await findDeploymentById(trx, input.tenantId, row.deployment_id)
    if (deployment?.status === 'active' && !(await otherLiveActivation(trx, row, now))) {
      const freed = await deactivateDeployment(trx, deployment.id, 'client', now)
      seatFreed = freed?.status === 'inactive'
    }
    await recordAudit(trx, {
      tenantId: input.tenantId,
      actor: input.actor,
      action: 'offline_activation.deactivate',
      targetType: 'offline_activation',
      targetId: row.id,
      before: toOfflineActivationView(row),
      after: { ...toOfflineActivationView(after), seatFreed },
      at: now,
    })
    return { row: after, deactivated: true, seatFreed }
  })
  counter.inc({ outcome: r.deactivated ? 'deactivated' : 'deactivation_replayed' })
  return {
    activation: toOfflineActivationView(r.row),
    deactivated: r.deactivated,
    seatFreed: r.seatFreed,
  }
}
