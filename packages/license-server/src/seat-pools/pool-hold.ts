import type { FloatingPolicy } from '@tollgate/license-client'
import type { Db } from '../db/database.js'
import { asDate } from '../lib/json.js'
import { seatLimit } from '../seats/seat-limit.js'
import { pooledSeats } from './seat-pool.repository.js'

/** Pools listed at most; the count of pooled seats covers them all. */
const MAX_POOLS = 100

/** An unexpired pool as the seat list shows it. */
export interface HeldPoolView {
  id: string
  seats: number
  hostname: string
  expiresAt: string
}

/** The floating seats of a license split between relay pools and online checkouts. */
export interface PoolHold {
  /** Seats sold (`floating.seats`). */
  seats: number
  /** Seats held by unexpired pools. */
  pooled: number
  /** Seats left for online checkouts (`seats − pooled`, never below 0). */
  online: number
  /** The most online leases at once: `online` times the overage factor. */
  limit: number
  /** The unexpired pools, soonest expiry first (at most 100). */
  pools: HeldPoolView[]
}

/**
 * The policy online checkouts count against: the sold seats minus those held by unexpired
 * pools (same lease TTL and overage). The one place this rule lives.
 *
 * @example
 * ```ts
 * const online = onlineFloating(license.policy.floating, await pooledSeats(trx, id, now))
 * ```
 */
export function onlineFloating(sold: FloatingPolicy, pooled: number): FloatingPolicy {
  return pooled > 0 ? { ...sold, seats: Math.max(0, sold.seats - pooled) } : sold
}

/**
 * How a license's floating seats stand now: sold, held by unexpired relay pools (with the
 * pools), left online and the online limit. Read by the admin seat list, the CLI and the console,
 * so staff see why online checkouts are refused while the seats look free.
 *
 * @example
 * ```ts
 * const hold = await poolHold(db, tenantId, license.id, floating, now)
 * ```
 */
export async function poolHold(
  db: Db,
  tenantId: string,
  licenseId: string,
  sold: FloatingPolicy,
  now: Date,
): Promise<PoolHold> {
  const rows = await db
    .selectFrom('seat_pools')
    .select(['id', 'seats', 'hostname', 'expires_at'])
    .where('tenant_id', '=', tenantId)
    .where('license_id', '=', licenseId)
    .where('expires_at', '>', now)
    .orderBy('expires_at', 'asc')
    .orderBy('id', 'asc')
    .limit(MAX_POOLS)
    .execute()
  const pooled = await pooledSeats(db, licenseId, now)
  const online = onlineFloating(sold, pooled)
  return {
    seats: sold.seats,
    pooled,
    online: online.seats,
    limit: seatLimit(online),
    pools: rows.map((r) => ({
      id: r.id,
      seats: r.seats,
      hostname: r.hostname,
      expiresAt: asDate(r.expires_at).toISOString(),
    })),
  }
}
