import { sql } from 'kysely'
import { emitEvent } from '../events/emit-event.js'
import { markDeadDeployments } from './deployment.repository.js'
import type { Fleet } from './fleet.js'

/** Advisory lock key of the culler: one run at a time across every instance on the database. */
const CULL_LOCK = 0x746f6c6c // "toll"

/** Most deployments marked dead by one run; a larger backlog is taken by the next runs. */
const CULL_BATCH = 5000

/** Result of one culler run. */
export interface CullResult {
  culled: { id: string; tenantId: string; licenseId: string; deploymentId: string }[]
  /** Deployments spared because their newest heartbeat could not be written first. */
  spared: number
  /** True when another instance was running the culler: this run did nothing. */
  skipped: boolean
}

/**
 * The dead-deployment job: marks dead (freeing the seat) every active deployment that missed
 * `missedHeartbeats` intervals of its license's policy. Pending heartbeats are flushed first,
 * so a deployment whose last ping is still in memory is judged by it; if that flush fails,
 * every deployment still pending is spared this round.
 *
 * N instances run one culler between them: the run holds a transaction-scoped advisory lock
 * and an instance that cannot take it skips its turn. Due rows come from the partial index on
 * `dead_after` (at most {@link CULL_BATCH} per run), so a run costs what is due, not the fleet
 * size. A heartbeat that another instance answered "active" while this run marked its
 * deployment dead gives the seat back when it is flushed (see `HeartbeatCoalescer`): the seat
 * may then be over-subscribed by one for as long as the race lasted, which beats telling an
 * honest client "active" and leaving it dead.
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
    const { rows: lock } = await sql<{ ok: boolean }>`
      select pg_try_advisory_xact_lock(${CULL_LOCK}) as ok
    `.execute(trx)
    if (lock[0]?.ok !== true) return undefined
    const dead = await markDeadDeployments(trx, {
      now,
      missedHeartbeats: fleet.options.missedHeartbeats,
      minWindowS: fleet.options.minDeadAfterS,
      exceptIds,
      limit: CULL_BATCH,
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
  if (rows === undefined) return { culled: [], spared: 0, skipped: true }
  if (rows.length > 0) fleet.log.info({ culled: rows.length }, 'marked dead deployments')
  return {
    culled: rows.map((r) => ({
      id: r.id,
      tenantId: r.tenant_id,
      licenseId: r.license_id,
      deploymentId: r.install_id,
    })),
    spared: exceptIds.length,
    skipped: false,
  }
}
