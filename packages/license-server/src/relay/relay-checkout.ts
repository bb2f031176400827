import { AppError } from '../errors/app-error.js'
import { newId } from '../lib/ids.js'
import { seatLimit } from '../seats/seat-limit.js'
import type { RelayDeps, RelaySeat } from './relay-deps.js'
import { leaseExpiry, licensedPool, signRelaySeat } from './relay-deps.js'
import {
  extendRelayLease,
  findRelayLease,
  heldRelayLeases,
  insertRelayLease,
} from './relay-lease.repository.js'

/** A relay checkout's answer: the seat plus the pool's counts. */
export interface RelayCheckoutResult extends RelaySeat {
  seats: { used: number; seats: number; limit: number }
}

/**
 * Checks out a seat of the relay's pool for `scope`: at most the pool's `seats` unexpired leases
 * (times its allowed overage, with warning SEATS_OVERAGE past `seats`). Checkouts run one at a
 * time (`deps.queue`) in a transaction; expired leases hold nothing, so a crashed client's seat is
 * back after the lease TTL. A scope holding a lease gets it renewed. Refused with POOL_EXPIRED /
 * POOL_NOT_YET_VALID outside the pool's validity, INVALID_LICENSE_KEY for a key that is not the
 * pool's license, SEATS_EXHAUSTED when full.
 *
 * @example
 * ```ts
 * const seat = await relayCheckout(deps, { key, scope: 'worker-1', address: req.ip })
 * ```
 */
export async function relayCheckout(
  deps: RelayDeps,
  input: { key: string; scope: string; deploymentId?: string | undefined; address: string | null },
): Promise<RelayCheckoutResult> {
  const now = deps.now()
  const pool = await licensedPool(deps, input.key, now)
  const { seats, policy } = pool.claims
  const limit = seatLimit({ seats, ...policy })
  const out = await deps.queue.run('pool', () =>
    deps.db.transaction().execute(async (trx) => {
      const expiresAt = leaseExpiry(pool, now)
      const held = await findRelayLease(trx, { scope: input.scope })
      if (held && held.expires_at > now) {
        const row = await extendRelayLease(trx, {
          id: held.id,
          now,
          expiresAt,
          poolId: pool.claims.jti,
        })
        return { row: row ?? held, used: await heldRelayLeases(trx, now) }
      }
      const used = await heldRelayLeases(trx, now)
      if (used >= limit) {
        throw new AppError(
          'SEATS_EXHAUSTED',
          `All ${limit} seats of the relay's pool are in use (${seats} in the pool file)`,
        )
      }
      const row = await insertRelayLease(trx, {
        id: newId('seat'),
        license_id: pool.claims.lid,
        scope: input.scope,
        deployment_id: input.deploymentId ?? null,
        address: input.address,
        overage: used >= seats,
        pool_id: pool.claims.jti,
        checked_out_at: now,
        expires_at: expiresAt,
      })
      return { row, used: used + 1 }
    }),
  )
  return { ...signRelaySeat(deps, out.row, pool, now), seats: { used: out.used, seats, limit } }
}
