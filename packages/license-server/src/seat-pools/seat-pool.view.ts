import { asDate } from '../lib/json.js'
import type { SeatPoolRow } from './seat-pool.table.js'

/** A pool as the admin API shows it. */
export interface SeatPoolView {
  id: string
  licenseId: string
  seats: number
  leaseTtlS: number
  overage: string
  relayKid: string
  machineId: string
  hostname: string
  notBefore: string
  expiresAt: string
  createdBy: string
  createdAt: string
}

/**
 * The API view of a pool row.
 *
 * @example
 * ```ts
 * reply.send(toSeatPoolView(row))
 * ```
 */
export function toSeatPoolView(row: SeatPoolRow): SeatPoolView {
  return {
    id: row.id,
    licenseId: row.license_id,
    seats: row.seats,
    leaseTtlS: row.lease_ttl_s,
    overage: row.overage,
    relayKid: row.relay_kid,
    machineId: row.machine_id,
    hostname: row.hostname,
    notBefore: asDate(row.not_before).toISOString(),
    expiresAt: asDate(row.expires_at).toISOString(),
    createdBy: row.created_by,
    createdAt: asDate(row.created_at).toISOString(),
  }
}
