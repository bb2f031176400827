import type { RevocationListClaims } from './types.js'

interface Index {
  revoked: ReadonlySet<string>
  suspended: ReadonlySet<string>
}

/** Sets built once per list object (verified lists are never mutated), freed with the list. */
const indexes = new WeakMap<RevocationListClaims, Index>()

function indexOf(list: RevocationListClaims): Index {
  let index = indexes.get(list)
  if (index === undefined) {
    index = { revoked: new Set(list.revoked), suspended: new Set(list.suspended) }
    indexes.set(list, index)
  }
  return index
}

/**
 * True when `list` revokes license `lid`. O(1) after the first call for a list: a million ids
 * are turned into a Set once, not scanned on every state decision.
 *
 * @example
 * ```ts
 * if (isRevoked(verifyRevocationList(jws, keys), license.id)) refuse()
 * ```
 */
export function isRevoked(list: RevocationListClaims, lid: string): boolean {
  return indexOf(list).revoked.has(lid)
}

/**
 * True when `list` names license `lid` as suspended (at the list's issue time). O(1) like
 * {@link isRevoked}.
 *
 * @example
 * ```ts
 * isListedSuspended(list, license.id) // true while suspended
 * ```
 */
export function isListedSuspended(list: RevocationListClaims, lid: string): boolean {
  return indexOf(list).suspended.has(lid)
}
