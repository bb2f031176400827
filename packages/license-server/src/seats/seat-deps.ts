import { signSeatLease } from '@tollgate/license-client'
import type { Db } from '../db/database.js'
import type { LeaseSigner } from '../deployments/lease-signer.js'
import { asDate } from '../lib/json.js'
import type { KeyedQueue } from './keyed-queue.js'
import type { SeatLeaseRow } from './seat-lease.table.js'

/** What the seat services need: the database, the tenant's lease signer and the app clock. */
export interface SeatDeps {
  db: Db
  signer: Pick<LeaseSigner, 'activeKey'>
  now: () => Date
  /** Per-license queue of checkouts on this instance. */
  queue: KeyedQueue
}

/** A signed seat lease with what the client needs next to it. */
export interface SignedSeat {
  leaseId: string
  lease: string
  scope: string
  overage: boolean
  expiresAt: string
}

/**
 * Signs a lease row with the tenant's active signing key (issuer: the tenant).
 *
 * @example
 * ```ts
 * const seat = await signSeatRow(deps, row, now)
 * ```
 */
export async function signSeatRow(
  deps: SeatDeps,
  row: SeatLeaseRow,
  now: Date,
): Promise<SignedSeat> {
  const key = await deps.signer.activeKey(row.tenant_id)
  const expiresAt = asDate(row.expires_at)
  const lease = signSeatLease(
    {
      issuer: row.tenant_id,
      licenseId: row.license_id,
      leaseId: row.id,
      scope: row.scope,
      overage: row.overage,
      issuedAt: now,
      expiresAt,
    },
    key,
  )
  return {
    leaseId: row.id,
    lease,
    scope: row.scope,
    overage: row.overage,
    expiresAt: expiresAt.toISOString(),
  }
}
