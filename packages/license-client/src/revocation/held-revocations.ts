import { applyRevocationDelta } from './apply-revocation-delta.js'
import type { RevocationDeltaClaims, RevocationListClaims } from './types.js'

/**
 * The revocation facts a client holds: the newest whole list (`base`, as signed) and the list
 * in force (`current`: the base with the newest delta applied). Deltas are cumulative from the
 * base's version, so a client persists two signed files at most, and re-verifies both at start.
 *
 * @example
 * ```ts
 * const held = new HeldRevocations()
 * held.acceptList(verifyRevocationList(jws, keys))
 * held.acceptDelta(verifyRevocationDelta(delta, keys))
 * decideState({ ..., revocations: held.current })
 * ```
 */
export class HeldRevocations {
  base: RevocationListClaims | null = null
  current: RevocationListClaims | null = null

  /** The version to ask changes from (`since`), when the base list carries one. */
  get sinceVersion(): number | undefined {
    return this.base?.ver
  }

  /** Keeps `list` as the new base unless what is held is as new (by `iat`); true when kept. */
  acceptList(list: RevocationListClaims): boolean {
    if (this.current !== null && list.iat <= this.current.iat) return false
    this.base = list
    this.current = list
    return true
  }

  /**
   * Applies `delta` to the base when it starts at the base's version, names the same issuer
   * and is newer than what is in force; true when it was applied.
   */
  acceptDelta(delta: RevocationDeltaClaims): boolean {
    const base = this.base
    if (base === null || (base.ver ?? 0) !== delta.since || base.iss !== delta.iss) return false
    if (this.current !== null && delta.iat < this.current.iat) return false
    this.current = applyRevocationDelta(base, delta)
    return true
  }
}
