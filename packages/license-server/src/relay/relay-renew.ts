import { AppError } from '../errors/app-error.js'
import type { RelayDeps, RelaySeat } from './relay-deps.js'
import { leaseExpiry, licensedPool, signRelaySeat } from './relay-deps.js'
import { extendRelayLease, findRelayLease } from './relay-lease.repository.js'

/**
 * Renews a relay seat lease by the pool's lease TTL (never past the pool's `exp`), under the
 * pool in force (a renewed pool file is picked up here too). An expired lease is never revived
 * (SEAT_LEASE_EXPIRED); an unknown one is SEAT_LEASE_NOT_FOUND; after the pool's expiry every
 * renewal is POOL_EXPIRED.
 *
 * @example
 * ```ts
 * const seat = await relayRenew(deps, { key, leaseId: 'seat_...' })
 * ```
 */
export async function relayRenew(
  deps: RelayDeps,
  input: { key: string; leaseId: string },
): Promise<RelaySeat> {
  const now = deps.now()
  const pool = await licensedPool(deps, input.key, now)
  const row = await extendRelayLease(deps.db, {
    id: input.leaseId,
    now,
    expiresAt: leaseExpiry(pool, now),
    poolId: pool.claims.jti,
  })
  if (!row) {
    const stale = await findRelayLease(deps.db, { id: input.leaseId })
    throw new AppError(stale ? 'SEAT_LEASE_EXPIRED' : 'SEAT_LEASE_NOT_FOUND')
  }
  return signRelaySeat(deps, row, pool, now)
}
