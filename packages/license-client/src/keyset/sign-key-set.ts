import type { Jwks, SigningKey } from '../keys/types.js'
import { signCompactJws } from '../lib/jws.js'
import { TOKEN_TYP } from '../token/types.js'

/** The signed payload of a key-set statement. */
export interface KeySetClaims {
  typ: 'keyset'
  /** The public keys the signer vouches for (active and retired). */
  keys: Jwks['keys']
  /** Unix seconds. */
  iat: number
}

/**
 * Signs a key set: a statement by a signing key that the listed public keys belong to the same
 * vendor. A client that pins one vendor key (its trust anchor) accepts a fetched JWKS only when
 * a key it already trusts signed it, so a key set swapped on disk or on the wire is refused.
 *
 * @example
 * ```ts
 * const statement = signKeySet(jwks, activeKey)
 * reply.send({ ...jwks, signatures: [statement] })
 * ```
 */
export function signKeySet(jwks: Jwks, key: SigningKey, issuedAt = new Date()): string {
  const claims: KeySetClaims = {
    typ: 'keyset',
    keys: jwks.keys,
    iat: Math.floor(issuedAt.getTime() / 1000),
  }
  return signCompactJws(claims, TOKEN_TYP.keySet, key)
}
