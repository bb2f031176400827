import { MalformedError } from '../errors.js'
import type { KeySet } from '../keys/key-set.js'
import type { Jwks } from '../keys/types.js'
import type { Ed25519Engine } from '../lib/ed25519.js'
import { onlyLicenseErrors, verifyCompactJws } from '../lib/jws.js'
import { TOKEN_TYP } from '../token/types.js'
import { isIdList, isTime, isVersion } from './claim-checks.js'
import { MAX_REVOCATION_LIST_LENGTH, type RevocationListClaims } from './types.js'

/**
 * Verifies a signed revocation list (file or endpoint).
 *
 * @example
 * ```ts
 * const list = verifyRevocationList(fs.readFileSync('revocations.jws', 'utf8').trim(), keys)
 * const revoked = isRevoked(list, license.id)
 * ```
 */
export function verifyRevocationList(
  jws: string,
  keys: KeySet | Jwks,
  opts: { engine?: Ed25519Engine } = {},
): RevocationListClaims {
  return onlyLicenseErrors(() => {
    const { payload: p } = verifyCompactJws(
      jws,
      keys,
      TOKEN_TYP.revocations,
      opts.engine,
      MAX_REVOCATION_LIST_LENGTH,
    )
    if (
      p.typ !== 'revocations' ||
      !isIdList(p.revoked) ||
      !isIdList(p.suspended) ||
      !isTime(p.iat) ||
      !isTime(p.nextUpdate) ||
      (p.ver !== undefined && !isVersion(p.ver))
    ) {
      throw new MalformedError('Revocation list payload has the wrong shape')
    }
    return p as unknown as RevocationListClaims
  })
}
