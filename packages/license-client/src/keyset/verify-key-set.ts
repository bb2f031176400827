import { MalformedError, UnknownKeyError } from '../errors.js'
import { KeySet } from '../keys/key-set.js'
import type { Jwks } from '../keys/types.js'
import { verifyCompactJws } from '../lib/jws.js'
import { TOKEN_TYP } from '../token/types.js'
import type { KeySetClaims } from './sign-key-set.js'

/** Longest key-set statement accepted, in characters. */
const MAX_KEYSET_LENGTH = 256 * 1024

/** A JWKS as the license server serves it: the keys plus statements signed by its active keys. */
export interface SignedJwks extends Jwks {
  signatures?: string[]
}

/**
 * Accepts a fetched or cached JWKS only when one of its `signatures` verifies with a key in
 * `trusted` (the pinned vendor keys, or keys accepted earlier) and vouches for exactly the keys
 * served. Returns the trusted keys plus the vouched ones. Throws UNKNOWN_KEY when no statement
 * was signed by a trusted key, MALFORMED when the statements do not match the document.
 *
 * @example
 * ```ts
 * const keys = verifyKeySet(await fetchJwks(url), KeySet.from(pinnedVendorJwks))
 * ```
 */
export function verifyKeySet(doc: SignedJwks, trusted: KeySet): KeySet {
  const signatures = Array.isArray(doc.signatures) ? doc.signatures.slice(0, 8) : []
  if (signatures.length === 0) throw new UnknownKeyError('(unsigned key set)')
  let lastError: unknown
  for (const jws of signatures) {
    if (typeof jws !== 'string') continue
    try {
      const { payload } = verifyCompactJws(
        jws,
        trusted,
        TOKEN_TYP.keySet,
        undefined,
        MAX_KEYSET_LENGTH,
      )
      const claims = payload as unknown as KeySetClaims
      if (claims.typ !== 'keyset' || !Array.isArray(claims.keys)) {
        throw new MalformedError('Key-set statement has the wrong shape')
      }
      const vouched = KeySet.from({ keys: claims.keys })
      const served = KeySet.from(doc)
      const same =
        served.kids().length === vouched.kids().length &&
        served.kids().every((kid) => vouched.has(kid) && sameKey(served, vouched, kid))
      if (!same) throw new MalformedError('The key set differs from what its signature vouches for')
      return KeySet.from({ keys: [...trusted.toJwks().keys, ...missingFrom(trusted, vouched)] })
    } catch (err) {
      lastError = err
    }
  }
  throw lastError instanceof Error
    ? lastError
    : new UnknownKeyError('(no key-set signature by a trusted key)')
}

function sameKey(a: KeySet, b: KeySet, kid: string): boolean {
  const x = a.toJwks().keys.find((k) => k.kid === kid)
  const y = b.toJwks().keys.find((k) => k.kid === kid)
  return x?.x === y?.x
}

function missingFrom(trusted: KeySet, vouched: KeySet): Jwks['keys'] {
  return vouched.toJwks().keys.filter((k) => !trusted.has(k.kid))
}
