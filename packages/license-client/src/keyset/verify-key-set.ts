import { MalformedError, UnknownKeyError } from '../errors.js'
import { KeySet } from '../keys/key-set.js'
import type { Jwks } from '../keys/types.js'
import { verifyCompactJws } from '../lib/jws.js'
import { TOKEN_TYP } from '../token/types.js'
import { followKeySetChain } from './follow-key-set-chain.js'
import type { KeySetClaims } from './sign-key-set.js'

/** Longest key-set statement accepted, in characters. */
const MAX_KEYSET_LENGTH = 256 * 1024

/** A JWKS as the license server serves it: the keys plus statements signed by its active keys. */
export interface SignedJwks extends Jwks {
  signatures?: string[]
  /** Rotation links, oldest first: each key vouching for its successor (see followKeySetChain). */
  chain?: string[]
}

/** A verified key set and when its statement was signed (unix seconds). */
export interface VerifiedKeySet {
  keys: KeySet
  issuedAt: number
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
  return verifyKeySetStatement(doc, trusted).keys
}

/**
 * {@link verifyKeySet}, also saying when the accepted statement was signed. When no key in
 * `trusted` signed the set (the pinned key was retired), the document's rotation `chain` is
 * walked from `trusted` ({@link followKeySetChain}) and the keys it ends at may sign it.
 *
 * @example
 * ```ts
 * const { keys, issuedAt } = verifyKeySetStatement(await fetchJwks(url), pinned)
 * ```
 */
export function verifyKeySetStatement(doc: SignedJwks, trusted: KeySet): VerifiedKeySet {
  const signatures = Array.isArray(doc.signatures) ? doc.signatures.slice(0, 8) : []
  if (signatures.length === 0) throw new UnknownKeyError('(unsigned key set)')
  const reached = followKeySetChain(doc.chain, trusted)
  const signers =
    reached === trusted
      ? trusted
      : KeySet.from({ keys: [...trusted.toJwks().keys, ...missingFrom(trusted, reached)] })
  let lastError: unknown
  for (const jws of signatures) {
    if (typeof jws !== 'string') continue
    try {
      const { payload } = verifyCompactJws(
        jws,
        signers,
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
      const keys = KeySet.from({
        keys: [...trusted.toJwks().keys, ...missingFrom(trusted, vouched)],
      })
      return { keys, issuedAt: typeof claims.iat === 'number' ? claims.iat : 0 }
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
