import { MalformedError } from '../errors.js'
import { KeySet } from '../keys/key-set.js'
import type { Jwks, PublicJwk } from '../keys/types.js'
import { verifyKeySetStatement, type SignedJwks } from '../keyset/verify-key-set.js'

/**
 * The client's trust anchor for key sets from `jwksUrl`: the pinned vendor keys. A fetched or
 * cached key set is accepted when a pinned key signed it, or when the set's rotation chain leads
 * from a pinned key to one that did (so a client whose pinned key was retired follows the
 * vendor's rotations). A set signed before the one held and naming other keys is refused
 * (rollback: an old set may still list a key the vendor has since removed).
 *
 * @example
 * ```ts
 * const anchor = new KeySetAnchor(opts.publicKeys)
 * core.keys = anchor.accept(await fetchJwks(url))
 * ```
 */
export class KeySetAnchor {
  readonly #pinned: Jwks | readonly PublicJwk[] | KeySet
  #parsed: KeySet | undefined
  #held: { issuedAt: number; kids: string } | undefined

  constructor(pinned: Jwks | readonly PublicJwk[] | KeySet) {
    this.#pinned = pinned
  }

  /** The trusted keys of `doc`; throws (UNKNOWN_KEY, MALFORMED) when it is not accepted. */
  accept(doc: SignedJwks): KeySet {
    this.#parsed ??= KeySet.from(this.#pinned)
    const { keys, issuedAt } = verifyKeySetStatement(doc, this.#parsed)
    const kids = keys.kids().sort().join(' ')
    const held = this.#held
    if (held !== undefined && issuedAt < held.issuedAt && kids !== held.kids) {
      throw new MalformedError(
        `Refused a key set signed before the one held (${new Date(issuedAt * 1000).toISOString()}): rollback`,
      )
    }
    if (held === undefined || issuedAt >= held.issuedAt) this.#held = { issuedAt, kids }
    return keys
  }
}
