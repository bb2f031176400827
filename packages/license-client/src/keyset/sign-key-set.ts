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
  /**
   * Position in the vendor's key history, on the links of a rotation chain (a key vouching for
   * its successor): a client follows links only forward, so an old link cannot roll it back.
   */
  seq?: number
}

/**
 * Signs a key set: a statement by a signing key that the listed public keys belong to the same
 * vendor. A client that pins one vendor key (its trust anchor) accepts a fetched JWKS only when
 * a key it already trusts signed it, so a key set swapped on disk or on the wire is refused.
 *
 * @example
 * ```ts
 * const statement = signKeySet(jwks, activeKey)
 * // A rotation link: the old key vouches for its successor (seq: the successor's position).
 * const link = signKeySet({ keys: [nextJwk] }, oldKey, nextCreatedAt, 2)
 * reply.send({ ...jwks, signatures: [statement], chain: [link] })
 * ```
 */
export function signKeySet(
  jwks: Jwks,
  key: SigningKey,
  issuedAt = new Date(),
  seq?: number,
): string {
  const claims: KeySetClaims = {
    typ: 'keyset',
    keys: jwks.keys,
    iat: Math.floor(issuedAt.getTime() / 1000),
    ...(seq === undefined ? {} : { seq }),
  }
  return signCompactJws(claims, TOKEN_TYP.keySet, key)
}
