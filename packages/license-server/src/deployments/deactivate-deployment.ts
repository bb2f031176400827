import type { Kysely } from 'kysely'
import type { AuditActor } from '../audit/audit-actor.js'
import { recordAudit } from '../audit/record-audit.js'
import type { Database } from '../db/database.js'
import { AppError } from '../errors/app-error.js'
import {
  deactivateDeployment,
  findDeployment,
  findDeploymentById,
} from './deployment.repository.js'
import type { DeploymentRow } from './deployment.table.js'
import { toDeploymentView } from './deployment.view.js'

/** Result of a deactivation. */
export interface DeactivateResult {
  deployment: DeploymentRow
  /** True when this call freed a seat (false: it was not active). */
  deactivated: boolean
}

/**
 * A client gives up its seat (`POST /v1/deployments/deactivate`). Idempotent: deactivating a
 * deployment that holds no seat changes nothing. An unknown install id is NOT_FOUND.
 *
 * @example
 * ```ts
 * const { deactivated } = await deactivateByClient(db, { licenseId, installId, now: new Date() })
 * ```
 */
export async function deactivateByClient(
  db: Kysely<Database>,
  input: { licenseId: string; installId: string; now: Date },
): Promise<DeactivateResult> {
  const row = await findDeployment(db, input.licenseId, input.installId)
  if (!row) throw new AppError('NOT_FOUND', 'No such deployment of this license')
  if (row.status !== 'active') return { deployment: row, deactivated: false }
  const after = await deactivateDeployment(db, row.id, 'client', input.now)
  return { deployment: after ?? row, deactivated: after?.status === 'inactive' }
}

/**
 * An admin frees a deployment's seat (`POST /v1/admin/deployments/:id/deactivate`), audited as
 * `deployment.deactivate` with before/after. Another tenant's deployment is NOT_FOUND.
 *
 * @example
 * ```ts
 * await deactivateByAdmin(db, tenantId, 'dep_...', actorFromRequest(req), new Date())
 * ```
 */
export async function deactivateByAdmin(
  db: Kysely<Database>,
  tenantId: string,
  id: string,
  actor: AuditActor,
  now: Date,
): Promise<DeactivateResult> {
  return db.transaction().execute(async (trx) => {
    const before = await findDeploymentById(trx, tenantId, id)
    if (!before) throw new AppError('NOT_FOUND', `No deployment ${id}`)
    if (before.status !== 'active') return { deployment: before, deactivated: false }
    const after = (await deactivateDeployment(trx, id, 'admin', now))!
    await recordAudit(trx, {
      tenantId,
      actor,
      action: 'deployment.deactivate',
      targetType: 'deployment',
      targetId: id,
      before: toDeploymentView(before),
      after: toDeploymentView(after),
      at: now,
    })
    return { deployment: after, deactivated: after.status === 'inactive' }
  })
}
