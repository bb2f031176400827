import { KeySet } from '../keys/key-set.js'
import { verifyCompactJws } from '../lib/jws.js'
import { TOKEN_TYP } from '../token/types.js'
import type { KeySetClaims } from './sign-key-set.js'

/** Most rotation links a client walks (a vendor rotating monthly covers over a year). */
export const MAX_CHAIN_LINKS = 16
/** Longest link accepted, in characters (a link vouches for a few keys). */
const MAX_LINK_LENGTH = 16 * 1024

/**
 * Walks a rotation chain: links ordered oldest first, each a key-set statement by one key
 * vouching for its successor(s), with an increasing `seq`. Starting from `trusted`, a link is
 * followed when a key trusted at that point signed it and its `seq` is past the last one
 * followed; the trusted keys then become the ones it vouches for (a retired key hands over and
 * drops out). Links signed by anyone else, malformed, or going back are skipped. At most
 * {@link MAX_CHAIN_LINKS} links are looked at. Returns the keys trusted at the end of the walk
 * (`trusted` itself when no link could be followed).
 *
 * @example
 * ```ts
 * const current = followKeySetChain(jwks.chain, KeySet.from(pinnedVendorJwks))
 * ```
 */
export function followKeySetChain(chain: unknown, trusted: KeySet): KeySet {
  if (!Array.isArray(chain)) return trusted
  let current = trusted
  let lastSeq = -Infinity
  for (const link of chain.slice(0, MAX_CHAIN_LINKS)) {
    if (typeof link !== 'string') continue
    try {
      const { payload } = verifyCompactJws(
        link,
        current,
        TOKEN_TYP.keySet,
        undefined,
        MAX_LINK_LENGTH,
      )
      const claims = payload as unknown as KeySetClaims
      if (claims.typ !== 'keyset' || !Array.isArray(claims.keys)) continue
      if (typeof claims.seq !== 'number' || !Number.isSafeInteger(claims.seq)) continue
      if (claims.seq <= lastSeq) continue
      const next = KeySet.from({ keys: claims.keys })
      if (next.kids().length === 0) continue
      current = next
      lastSeq = claims.seq
    } catch {
      // Not signed by a key trusted at this point (an older link, or a forgery): skipped.
    }
  }
  return current
}
