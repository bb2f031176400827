import { MalformedError } from '../errors.js'
import type { RevocationDeltaClaims, RevocationListClaims } from './types.js'

/**
 * The list a delta leads to: `list` (at version `delta.since`, same issuer) with the delta's
 * ids moved to their new status, stamped with the delta's version and times. Both inputs must
 * have been verified; a delta for another version or issuer is a MalformedError.
 *
 * @example
 * ```ts
 * const next = applyRevocationDelta(verifyRevocationList(base, keys), verifyRevocationDelta(d, keys))
 * ```
 */
export function applyRevocationDelta(
  list: RevocationListClaims,
  delta: RevocationDeltaClaims,
): RevocationListClaims {
  if ((list.ver ?? 0) !== delta.since) {
    throw new MalformedError(`Delta from version ${delta.since} does not apply to ${list.ver ?? 0}`)
  }
  if (list.iss !== delta.iss) throw new MalformedError('Delta and list name different issuers')
  const revoked = new Set(list.revoked)
  const suspended = new Set(list.suspended)
  for (const id of [...delta.revoked, ...delta.suspended, ...delta.cleared]) {
    revoked.delete(id)
    suspended.delete(id)
  }
  for (const id of delta.revoked) revoked.add(id)
  for (const id of delta.suspended) suspended.add(id)
  return {
    typ: 'revocations',
    ...(list.iss === undefined ? {} : { iss: list.iss }),
    revoked: [...revoked],
    suspended: [...suspended],
    iat: delta.iat,
    nextUpdate: delta.nextUpdate,
    ver: delta.ver,
  }
}
