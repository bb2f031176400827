import {
  ActivationRequestInvalidError,
  MAX_EMBEDDED_REVOCATIONS_LENGTH,
  checkActivationRequest,
  parseActivationRequest,
  signMachineFile,
  type ActivationRequest,
} from '@tollgate/license-client'
import type { AuditActor } from '../audit/audit-actor.js'
import { recordAudit } from '../audit/record-audit.js'
import {
  countActiveDeployments,
  findDeployment,
  insertDeployment,
  updateDeploymentSighting,
} from '../deployments/deployment.repository.js'
import type { Fleet } from '../deployments/fleet.js'
import { effectiveStatus } from '../deployments/lease-status.js'
import { toDeploymentView } from '../deployments/deployment.view.js'
import { AppError } from '../errors/app-error.js'
import type { ErrorCode } from '../errors/error-codes.js'
import { emitEvent } from '../events/emit-event.js'
import { findLicense } from '../licenses/license.repository.js'
import { newId } from '../lib/ids.js'
import { offlineCounter } from './offline-metrics.js'
import { findByNonce, insertOfflineActivation } from './offline-activation.repository.js'
import type { OfflineActivationRow } from './offline-activation.table.js'
import { toOfflineActivationView, type OfflineActivationView } from './offline-activation.view.js'

const DAY_MS = 86_400_000
/** The typed error of a license that cannot take a seat, by its effective status. */
const NOT_SEATABLE: Partial<Record<string, ErrorCode>> = {
  revoked: 'LICENSE_REVOKED',
  suspended: 'LICENSE_SUSPENDED',
  expired: 'LICENSE_EXPIRED',
}
/** Default validity of a machine file, days (capped by the license's expiry). */
export const DEFAULT_MACHINE_FILE_DAYS = 365

/** Input of {@link createOfflineActivation}. */
export interface CreateOfflineActivationInput {
  tenantId: string
  /** The activation request: the file's text, or its parsed JSON. */
  request: unknown
  /** The license the caller means (the route's id): the request must name it. */
  licenseId?: string
  /** Portal callers: the license must belong to this customer (else NOT_FOUND). */
  customerId?: string
  /** Validity in days (default {@link DEFAULT_MACHINE_FILE_DAYS}); never past the license's expiry. */
  validDays?: number
  /** Embed the tenant's signed revocation list as a checkpoint (default true). */
  includeRevocations?: boolean
  actor: AuditActor
}

/** Result of {@link createOfflineActivation}. */
export interface CreateOfflineActivationResult {
  /** The machine file: a compact JWS (`tollgate-machine+jwt`). */
  machineFile: string
  activation: OfflineActivationView
  /** False when this request had already been turned into a machine file (re-signed). */
  created: boolean
  revocationsEmbedded: boolean
  seats: { used: number; max: number }
}

/**
 * Turns an activation request into a machine file signed with the tenant's active key, bound to
 * the request's machine fingerprint. The seat is taken exactly like an online activation: the
 * license row is locked, active deployments are counted against `maxDeployments` (0: no limit),
 * and the deployment row is created or re-used (same deployment id: no second seat). The
 * deployment's culling deadline is the file's expiry, since an air-gapped machine never sends a
 * heartbeat: the seat frees itself when the file expires, or earlier with a deactivation proof.
 * The same request uploaded again re-signs the same activation (idempotent). Audited as
 * `offline_activation.create`.
 *
 * @example
 * ```ts
 * const { machineFile } = await createOfflineActivation(app.fleet, {
 *   tenantId, request: await readFile('req.json', 'utf8'), actor: actorFromRequest(req),
 * })
 * ```
 */
export async function createOfflineActivation(
  fleet: Fleet,
  input: CreateOfflineActivationInput,
): Promise<CreateOfflineActivationResult> {
  const counter = offlineCounter(fleet.ctx.metrics.registry)
  let request: ActivationRequest
  try {
    request =
      typeof input.request === 'string'
        ? parseActivationRequest(input.request)
        : checkActivationRequest(input.request)
  } catch (err) {
    counter.inc({ outcome: 'invalid' })
    if (err instanceof ActivationRequestInvalidError) {
      throw new AppError('ACTIVATION_REQUEST_INVALID', err.message)
    }
    throw err
  }
  if (input.licenseId !== undefined && input.licenseId !== request.licenseId) {
    counter.inc({ outcome: 'invalid' })
    throw new AppError('ACTIVATION_REQUEST_INVALID', 'The request names another license')
  }
  const now = fleet.now()
  const key = await fleet.signer.activeKey(input.tenantId)
  try {
    const r = await fleet.ctx.db.transaction().execute(async (trx) => {
      const license = await findLicense(trx, input.tenantId, request.licenseId, { forUpdate: true })
      if (
        !license ||
        (input.customerId !== undefined && license.customer_id !== input.customerId)
      ) {
        throw new AppError('NOT_FOUND', `No license ${request.licenseId}`)
      }
      if (license.deployment_id !== null && license.deployment_id !== request.deploymentId) {
        throw new AppError('DEPLOYMENT_MISMATCH')
      }
      const effective = effectiveStatus(
        { status: license.status, expiresAt: license.expires_at, policy: license.policy },
        now,
      )
      if (!effective.seatable)
        throw new AppError(NOT_SEATABLE[effective.status] ?? 'LICENSE_EXPIRED')
      const max = license.policy.maxDeployments
      const again = await findByNonce(trx, license.id, request.nonce, { forUpdate: true })
      if (again?.deactivated_at != null) {
        throw new AppError(
          'ACTIVATION_REQUEST_INVALID',
          'This request was deactivated; write a new one on the machine',
        )
      }
      if (again !== undefined) {
        return {
          row: again,
          created: false,
          used: await countActiveDeployments(trx, license.id),
          max,
        }
      }
      const days = input.validDays ?? DEFAULT_MACHINE_FILE_DAYS
      let expiresAt = new Date(now.getTime() + days * DAY_MS)
      if (license.expires_at !== null && license.expires_at < expiresAt) {
        expiresAt = license.expires_at
      }
      const existing = await findDeployment(trx, license.id, request.deploymentId)
      const used = await countActiveDeployments(trx, license.id)
      const seated = existing?.status === 'active'
      if (!seated && max > 0 && used >= max) throw new AppError('TOO_MANY_DEPLOYMENTS')
      const sighting = {
        fingerprint: { ...request.fingerprint },
        appVersion: request.appVersion,
        address: null,
        now,
        deadAfter: expiresAt,
        status: 'active' as const,
      }
      const deployment = existing
        ? await updateDeploymentSighting(trx, existing.id, { ...sighting, seated: !seated })
        : await insertDeployment(
            trx,
            {
              id: newId('dep'),
              tenantId: license.tenant_id,
              licenseId: license.id,
              installId: request.deploymentId,
            },
            sighting,
          )
      const row = await insertOfflineActivation(trx, {
        id: newId('oac'),
        tenant_id: license.tenant_id,
        license_id: license.id,
        deployment_id: deployment.id,
        install_id: request.deploymentId,
        machine_id: request.fingerprint.machineId,
        deployment_key: request.deploymentKey.x,
        nonce: request.nonce,
        app_version: request.appVersion,
        issued_at: now,
        expires_at: expiresAt,
        deactivated_at: null,
        created_by: input.actor.actor,
        created_at: now,
      })
      if (!seated) {
        await emitEvent(trx, {
          tenantId: license.tenant_id,
          type: 'deployment.activated',
          licenseId: license.id,
          subjectType: 'deployment',
          subjectId: deployment.id,
          data: { object: toDeploymentView(deployment), reactivated: existing !== undefined },
          at: now,
        })
      }
      await recordAudit(trx, {
        tenantId: license.tenant_id,
        actor: input.actor,
        action: 'offline_activation.create',
        targetType: 'offline_activation',
        targetId: row.id,
        after: toOfflineActivationView(row),
        at: now,
      })
      return { row, created: true, used: seated ? used : used + 1, max }
    })
    const revocations =
      input.includeRevocations === false ? undefined : await checkpoint(fleet, input.tenantId, key)
    const machineFile = sign(r.row, request, key, revocations)
    counter.inc({ outcome: r.created ? 'activated' : 'reissued' })
    return {
      machineFile,
      activation: toOfflineActivationView(r.row),
      created: r.created,
      revocationsEmbedded: revocations !== undefined,
      seats: { used: r.used, max: r.max },
    }
  } catch (err) {
    if (err instanceof AppError) counter.inc({ outcome: 'refused' })
    throw err
  }
}

type Key = Awaited<ReturnType<Fleet['signer']['activeKey']>>

/** The tenant's signed revocation list, unless it is too large to embed. */
async function checkpoint(fleet: Fleet, tenantId: string, key: Key): Promise<string | undefined> {
  const list = await fleet.revocations.list(tenantId, key, {
    now: fleet.now(),
    ttlS: fleet.options.revocationListTtlS,
  })
  return list.jws.length <= MAX_EMBEDDED_REVOCATIONS_LENGTH ? list.jws : undefined
}

function sign(
  row: OfflineActivationRow,
  request: ActivationRequest,
  key: Key,
  revocations: string | undefined,
): string {
  return signMachineFile(
    {
      activationId: row.id,
      // The row's binding, so a re-issue says exactly what the first file said.
      request: {
        ...request,
        deploymentId: row.install_id,
        fingerprint: { ...request.fingerprint, machineId: row.machine_id },
        deploymentKey: { kty: 'OKP', crv: 'Ed25519', x: row.deployment_key },
      },
      issuer: row.tenant_id,
      issuedAt: row.issued_at,
      expiresAt: row.expires_at,
      ...(revocations === undefined ? {} : { revocations }),
    },
    key,
  )
}
