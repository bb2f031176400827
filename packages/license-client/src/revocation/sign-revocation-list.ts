import type { SigningKey } from '../keys/types.js'
import { signCompactJws } from '../lib/jws.js'
import { TOKEN_TYP } from '../token/types.js'
import type { RevocationListClaims, RevocationListInput } from './types.js'

/**
 * Signs a revocation list for online clients and air-gapped sites.
 *
 * @example
 * ```ts
 * const list = signRevocationList(
 *   { revoked: ['lic_1'], suspended: [], nextUpdate: new Date(Date.now() + 864e5) },
 *   signingKey,
 * )
 * fs.writeFileSync('revocations.jws', list)
 * ```
 */
export function signRevocationList(input: RevocationListInput, key: SigningKey): string {
  const claims: RevocationListClaims = {
    typ: 'revocations',
    ...(input.issuer === undefined ? {} : { iss: input.issuer }),
    revoked: [...input.revoked],
    suspended: [...input.suspended],
    iat: Math.floor((input.issuedAt ?? new Date()).getTime() / 1000),
    nextUpdate: Math.floor(input.nextUpdate.getTime() / 1000),
    ...(input.version === undefined ? {} : { ver: input.version }),
  }
  return signCompactJws(claims, TOKEN_TYP.revocations, key)
}
