import type { SigningKey } from '../keys/types.js'
import { signCompactJws } from '../lib/jws.js'
import { SEAT_LEASE_TYP, type SeatLeaseClaims, type SeatLeaseInput } from './types.js'

/**
 * Signs a seat lease: the server's proof that one floating seat of a license is held by `scope`
 * until `expiresAt`.
 *
 * @example
 * ```ts
 * const lease = signSeatLease(
 *   { issuer: tenantId, licenseId: 'lic_1', leaseId: 'sl_1', scope: 'worker-1', overage: false,
 *     issuedAt: now, expiresAt: new Date(now.getTime() + 300_000) },
 *   signingKey,
 * )
 * ```
 */
export function signSeatLease(input: SeatLeaseInput, key: SigningKey): string {
  const claims: SeatLeaseClaims = {
    typ: 'seat',
    iss: input.issuer,
    lid: input.licenseId,
    sid: input.leaseId,
    scope: input.scope,
    overage: input.overage,
    iat: Math.floor(input.issuedAt.getTime() / 1000),
    exp: Math.floor(input.expiresAt.getTime() / 1000),
    ...(input.poolHash === undefined ? {} : { pool: input.poolHash }),
  }
  return signCompactJws(claims, SEAT_LEASE_TYP, key)
}
