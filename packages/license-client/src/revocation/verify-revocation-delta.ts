import { MalformedError } from '../errors.js'
import type { KeySet } from '../keys/key-set.js'
import type { Jwks } from '../keys/types.js'
import type { Ed25519Engine } from '../lib/ed25519.js'
import { onlyLicenseErrors, verifyCompactJws } from '../lib/jws.js'
import { TOKEN_TYP } from '../token/types.js'
import { isIdList, isTime, isVersion } from './claim-checks.js'
import { MAX_REVOCATION_LIST_LENGTH, type RevocationDeltaClaims } from './types.js'

/**
 * Verifies a signed revocation delta (`GET /v1/revocations?since=`).
 *
 * @example
 * ```ts
 * const delta = verifyRevocationDelta(body.delta, keys)
 * const list = applyRevocationDelta(held, delta)
 * ```
 */
export function verifyRevocationDelta(
  jws: string,
  keys: KeySet | Jwks,
  opts: { engine?: Ed25519Engine } = {},
): RevocationDeltaClaims {
  return onlyLicenseErrors(() => {
    const { payload: p } = verifyCompactJws(
      jws,
      keys,
      TOKEN_TYP.revocationsDelta,
      opts.engine,
      MAX_REVOCATION_LIST_LENGTH,
    )
    if (
      p.typ !== 'revocations-delta' ||
      !isVersion(p.since) ||
      !isVersion(p.ver) ||
      p.ver < p.since ||
      !isIdList(p.revoked) ||
      !isIdList(p.suspended) ||
      !isIdList(p.cleared) ||
      !isTime(p.iat) ||
      !isTime(p.nextUpdate)
    ) {
      throw new MalformedError('Revocation delta payload has the wrong shape')
    }
    return p as unknown as RevocationDeltaClaims
  })
}
