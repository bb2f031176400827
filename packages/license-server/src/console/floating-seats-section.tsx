import type { Db } from '../db/database.js'
import type { LicenseRow } from '../licenses/license.table.js'
import { poolHold, type PoolHold } from '../seat-pools/pool-hold.js'
import { countHeldLeases } from '../seats/seat-lease.repository.js'
import type { Html } from '../web/html.js'
import { h } from '../web/jsx.js'
import { TableHead } from '../web/table-head.js'

/** What the floating-seats section of a license page shows. */
export interface FloatingSeats {
  used: number
  hold: PoolHold
}

/**
 * The floating seats of a license now (held online leases, relay pools), or null when its
 * policy sells none. Same counts as the admin seat list (`poolHold`).
 *
 * @example
 * ```ts
 * const floating = await floatingSeatsOf(db, license, now)
 * ```
 */
export async function floatingSeatsOf(
  db: Db,
  license: LicenseRow,
  now: Date,
): Promise<FloatingSeats | null> {
  const sold = license.policy.floating
  if (!sold) return null
  const used = await countHeldLeases(db, license.id, now)
  return { used, hold: await poolHold(db, license.tenant_id, license.id, sold, now) }
}

/**
 * Read-only summary inside the license page's "Floating seats" section: seats in use, and the
 * unexpired relay pools that hold seats until their expiry (why online checkouts may be refused
 * while few leases are held).
 *
 * @example
 * ```tsx
 * <FloatingSeatsSummary seats={await floatingSeatsOf(db, license, now)} />
 * ```
 */
export function FloatingSeatsSummary(p: { seats: FloatingSeats }): Html {
  const { used, hold } = p.seats
  const pooled = hold.pooled > 0 ? `; ${hold.pooled} held by relay pools` : ''
  return (
    <div>
      <p id="floating-seats">
        {`${used} of ${hold.seats} floating seats in use${pooled} (online limit ${hold.limit}).`}
      </p>
      {hold.pools.length === 0 ? null : (
        <div class="table-wrap">
          <table id="seat-pools">
            <TableHead columns={['Pool', 'Seats', 'Relay host', 'Expires']} />
            <tbody>
              {hold.pools.map((pool) => (
                <tr>
                  <td class="mono">{pool.id}</td>
                  <td>{String(pool.seats)}</td>
                  <td>{pool.hostname}</td>
                  <td>{pool.expiresAt.replace('T', ' ').slice(0, 19)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  )
}
