import type { SigningKey } from '../keys/types.js'
import { signCompactJws } from '../lib/jws.js'
import { POOL_TYP, type PoolClaims, type PoolFileInput } from './types.js'

const secs = (d: Date): number => Math.floor(d.getTime() / 1000)

/**
 * Signs a pool file: the vendor's statement that the relay holding the private half of
 * `request.relayKey` may hand out `seats` floating seats of `licenseId` between `notBefore`
 * (default: `issuedAt`) and `expiresAt`. A compact JWS (EdDSA, `typ` `tollgate-pool+jwt`) that
 * any JOSE library verifies with the vendor's JWKS.
 *
 * @example
 * ```ts
 * const poolFile = signPoolFile(
 *   { poolId: 'pool_1', issuer: tenantId, licenseId: 'lic_1', seats: 5,
 *     policy: { leaseTtlS: 300, overage: 'deny' }, request, issuedAt: now, expiresAt },
 *   vendorKey,
 * )
 * ```
 */
export function signPoolFile(input: PoolFileInput, key: SigningKey): string {
  const claims: PoolClaims = {
    typ: 'pool',
    v: 1,
    jti: input.poolId,
    iss: input.issuer,
    lid: input.licenseId,
    seats: input.seats,
    policy: { leaseTtlS: input.policy.leaseTtlS, overage: input.policy.overage },
    rk: { ...input.request.relayKey },
    fpr: input.request.machineId,
    iat: secs(input.issuedAt),
    nbf: secs(input.notBefore ?? input.issuedAt),
    exp: secs(input.expiresAt),
  }
  return signCompactJws(claims, POOL_TYP, key)
}
