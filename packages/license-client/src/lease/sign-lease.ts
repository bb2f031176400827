import type { SigningKey } from '../keys/types.js'
import { signCompactJws } from '../lib/jws.js'
import { TOKEN_TYP } from '../token/types.js'
import type { LeaseClaims, LeaseInput } from './types.js'

/**
 * Signs a lease: the server's proof to one deployment of the license status at a given time.
 *
 * @example
 * ```ts
 * const lease = signLease(
 *   { licenseId: 'lic_1', deploymentId: 'dep_1', status: 'active', validUntil: new Date(Date.now() + 30 * 864e5) },
 *   signingKey,
 * )
 * ```
 */
export function signLease(input: LeaseInput, key: SigningKey): string {
  const serverTime = Math.floor((input.serverTime ?? new Date()).getTime() / 1000)
  const claims: LeaseClaims = {
    typ: 'lease',
    lid: input.licenseId,
    deployment: input.deploymentId,
    status: input.status,
    serverTime,
    validUntil: Math.floor(input.validUntil.getTime() / 1000),
    iat: serverTime,
  }
  return signCompactJws(claims, TOKEN_TYP.lease, key)
}
