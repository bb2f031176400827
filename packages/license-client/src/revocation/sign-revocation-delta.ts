import type { SigningKey } from '../keys/types.js'
import { signCompactJws } from '../lib/jws.js'
import { TOKEN_TYP } from '../token/types.js'
import type { RevocationDeltaClaims, RevocationDeltaInput } from './types.js'

/**
 * Signs a revocation delta: the changes of an issuer's list from version `since` to `version`.
 * Its own `typ`, so a delta never passes as a whole list.
 *
 * @example
 * ```ts
 * const delta = signRevocationDelta(
 *   { issuer: 'ten_1', since: 41, version: 42, revoked: ['lic_9'], suspended: [], cleared: [],
 *     nextUpdate: new Date(Date.now() + 36e5) },
 *   signingKey,
 * )
 * ```
 */
export function signRevocationDelta(input: RevocationDeltaInput, key: SigningKey): string {
  const claims: RevocationDeltaClaims = {
    typ: 'revocations-delta',
    ...(input.issuer === undefined ? {} : { iss: input.issuer }),
    since: input.since,
    ver: input.version,
    revoked: [...input.revoked],
    suspended: [...input.suspended],
    cleared: [...input.cleared],
    iat: Math.floor((input.issuedAt ?? new Date()).getTime() / 1000),
    nextUpdate: Math.floor(input.nextUpdate.getTime() / 1000),
  }
  return signCompactJws(claims, TOKEN_TYP.revocationsDelta, key)
}
