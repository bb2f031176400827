import { emitEvent } from '../events/emit-event.js'
import { markDeadDeployments } from './deployment.repository.js'
import type { Fleet } from './fleet.js'

/** Result of one culler run. */
export interface CullResult {
  culled: { id: string; tenantId: string; licenseId: string; deploymentId: string }[]
  /** Deployments spared because their newest heartbeat could not be written first. */
  spared: number
}

/**
 * The dead-deployment job: marks dead (freeing the seat) every active deployment that missed
 * `missedHeartbeats` intervals of its license's policy. Pending heartbeats are flushed first,
 * so a deployment whose last ping is still in memory is judged by it; if that flush fails,
 * every deployment still pending is spared this round.
 *
 * @example
 * ```ts
 * const { culled } = await cullDeadDeployments(app.fleet)
 * ```
 */
export async function cullDeadDeployments(fleet: Fleet): Promise<CullResult> {
  let exceptIds: string[] = []
  try {
    await fleet.coalescer.flush()
  } catch {
    exceptIds = fleet.coalescer.pendingIds()
  }
  const now = fleet.now()
  // The culls and their `deployment.culled` events commit together.
  const rows = await fleet.ctx.db.transaction().execute(async (trx) => {
    const dead = await markDeadDeployments(trx, {
      now,
      missedHeartbeats: fleet.options.missedHeartbeats,
      minWindowS: fleet.options.minDeadAfterS,
      exceptIds,
    })
    for (const d of dead) {
      await emitEvent(trx, {
        tenantId: d.tenant_id,
        type: 'deployment.culled',
        licenseId: d.license_id,
        subjectType: 'deployment',
        subjectId: d.id,
        data: {
          object: { id: d.id, licenseId: d.license_id, deploymentId: d.install_id },
          reason: 'dead',
        },
        at: now,
      })
    }
    return dead
  })
  if (rows.length > 0) fleet.log.info({ culled: rows.length }, 'marked dead deployments')
  return {
    culled: rows.map((r) => ({
      id: r.id,
      tenantId: r.tenant_id,
      licenseId: r.license_id,
      deploymentId: r.install_id,
    })),
    spared: exceptIds.length,
  }
}
