import type { Kysely } from 'kysely'
import { recordAudit } from '../audit/record-audit.js'
import type { Database } from '../db/database.js'
import { deactivateDeployment, findDeploymentById } from '../deployments/deployment.repository.js'
import type { DeploymentRow } from '../deployments/deployment.table.js'
import { toDeploymentView } from '../deployments/deployment.view.js'
import { AppError } from '../errors/app-error.js'
import { newId } from '../lib/ids.js'
import { portalActor, type PortalPrincipal } from './portal-actor.js'
import { requireCustomerUser } from './require-customer-user.js'
import { seatResetStanding } from './seat-reset-policy.js'

/** Result of {@link freeSeat}. */
export interface FreeSeatResult {
  deployment: DeploymentRow
  /** False when the deployment held no seat (nothing changed, no reset counted). */
  deactivated: boolean
}

/**
 * A customer frees a seat (deactivates one deployment of their own license) from the portal.
 * The plan's policy caps it: at most `maxResets` per license per `windowDays`, and
 * `cooldownHours` apart, so the portal cannot rotate one seat among many machines. The license
 * row is locked for the check, so two concurrent resets are counted one after the other.
 * Audited as `deployment.deactivate` with the person as actor. Another customer's or tenant's
 * deployment is NOT_FOUND; a support-link session is read-only.
 *
 * @example
 * ```ts
 * const r = await freeSeat(db, principal, 'dep_...', { now, requestId: req.id, ip: req.ip })
 * ```
 */
export async function freeSeat(
  db: Kysely<Database>,
  principal: PortalPrincipal,
  deploymentId: string,
  ctx: { now: Date; requestId?: string; ip?: string },
): Promise<FreeSeatResult> {
  requireCustomerUser(principal)
  const { tenantId, customerId } = principal
  const { now } = ctx
  return db.transaction().execute(async (trx) => {
    const before = await findDeploymentById(trx, tenantId, deploymentId)
    const license = before
      ? await trx
          .selectFrom('licenses')
          .select(['id', 'plan_id'])
          .where('tenant_id', '=', tenantId)
          .where('customer_id', '=', customerId)
          .where('id', '=', before.license_id)
          .forUpdate()
          .executeTakeFirst()
      : undefined
    if (!before || !license) throw new AppError('NOT_FOUND', `No deployment ${deploymentId}`)
    // Re-read under the license lock: a concurrent reset may have freed it meanwhile.
    const current = (await findDeploymentById(trx, tenantId, deploymentId))!
    if (current.status !== 'active') return { deployment: current, deactivated: false }
    const standing = await seatResetStanding(trx, tenantId, license, now)
    if (standing.nextAllowedAt === undefined) {
      throw new AppError('SEAT_RESET_LIMIT_REACHED', 'This plan does not allow freeing seats here')
    }
    if (standing.nextAllowedAt !== null) {
      const { maxResets, windowDays } = standing.policy
      const code = standing.used >= maxResets ? 'SEAT_RESET_LIMIT_REACHED' : 'SEAT_RESET_COOLDOWN'
      const why =
        code === 'SEAT_RESET_LIMIT_REACHED'
          ? `${standing.used} of ${maxResets} seat resets in ${windowDays} days are used`
          : 'A seat of this license was freed recently'
      throw new AppError(code, `${why}; next one after ${standing.nextAllowedAt.toISOString()}`)
    }
    const after = (await deactivateDeployment(trx, current.id, 'customer', now))!
    await trx
      .insertInto('portal_seat_resets')
      .values({
        id: newId('psr'),
        tenant_id: tenantId,
        license_id: license.id,
        deployment_id: current.id,
        actor: portalActor(principal).actor,
        at: now,
      })
      .execute()
    await recordAudit(trx, {
      tenantId,
      actor: portalActor(principal, ctx),
      action: 'deployment.deactivate',
      targetType: 'deployment',
      targetId: current.id,
      before: toDeploymentView(current),
      after: { ...toDeploymentView(after), via: 'portal' },
      at: now,
    })
    return { deployment: after, deactivated: true }
  })
}
