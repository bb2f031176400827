import type { RevocationListClaims } from '../revocation/types.js'
import { verifyRevocationDelta } from '../revocation/verify-revocation-delta.js'
import { verifyRevocationList } from '../revocation/verify-revocation-list.js'
import type { KeySet } from '../keys/key-set.js'
import type { HeldRevocations } from '../revocation/held-revocations.js'
import { codeOf, describe } from './core-support.js'
import type { ClientStore } from './storage.js'
import type { Logger } from './types.js'

/** The part of ClientCore that holds revocations. */
export interface RevocationHolder {
  keys: KeySet | null
  revocations: RevocationListClaims | null
  readonly heldRevocations: HeldRevocations
  readonly opts: { logger: Logger; store: ClientStore }
}

/**
 * Keeps a revocation list in `core` if it verifies and is newer (by `iat`) than the one held;
 * false when refused. Persisted unless `persist` is false (a list read from storage).
 *
 * @example
 * ```ts
 * acceptRevocationList(core, jws, 'server')
 * ```
 */
export function acceptRevocationList(
  core: RevocationHolder,
  jws: string,
  source: string,
  persist: boolean,
): boolean {
  if (core.keys === null) return false
  let list: RevocationListClaims
  try {
    list = verifyRevocationList(jws, core.keys)
  } catch (err) {
    core.opts.logger.warn(
      { code: codeOf(err), source },
      `Refused a revocation list: ${describe(err)}`,
    )
    return false
  }
  if (!core.heldRevocations.acceptList(list)) return true
  core.revocations = core.heldRevocations.current
  if (persist) {
    void core.opts.store.writeText('revocations', jws)
    // A delta applies to the list it was issued for: the new list replaces it.
    void core.opts.store.writeText('revocationsDelta', '')
  }
  return true
}

/**
 * Applies a revocation delta to the list `core` holds if it verifies and fits it; false if
 * refused. Persisted unless `persist` is false.
 *
 * @example
 * ```ts
 * acceptRevocationDelta(core, jws, 'server')
 * ```
 */
export function acceptRevocationDelta(
  core: RevocationHolder,
  jws: string,
  source: string,
  persist: boolean,
): boolean {
  if (core.keys === null) return false
  try {
    const delta = verifyRevocationDelta(jws, core.keys)
    if (!core.heldRevocations.acceptDelta(delta)) return false
  } catch (err) {
    core.opts.logger.warn(
      { code: codeOf(err), source },
      `Refused a revocation delta: ${describe(err)}`,
    )
    return false
  }
  core.revocations = core.heldRevocations.current
  if (persist) void core.opts.store.writeText('revocationsDelta', jws)
  return true
}
