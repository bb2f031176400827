import { MalformedError } from '../errors.js'
import type { KeySet } from '../keys/key-set.js'
import type { Jwks } from '../keys/types.js'
import type { Ed25519Engine } from '../lib/ed25519.js'
import { onlyLicenseErrors, verifyCompactJws } from '../lib/jws.js'
import { TOKEN_TYP } from '../token/types.js'
import { LEASE_STATUSES, MAX_LEASE_LENGTH, type LeaseClaims } from './types.js'

const isTime = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n) && n >= 0

/**
 * Verifies a lease's signature and shape. Time is not judged here: the client's state function
 * decides what an old or future lease means (offline grace, clock tampering).
 *
 * @example
 * ```ts
 * const lease = verifyLease(response.lease, keys)
 * if (lease.status === 'revoked') lockDown()
 * ```
 */
export function verifyLease(
  jws: string,
  keys: KeySet | Jwks,
  opts: { engine?: Ed25519Engine } = {},
): LeaseClaims {
  return onlyLicenseErrors(() => {
    const { payload: p } = verifyCompactJws(
      jws,
      keys,
      TOKEN_TYP.lease,
      opts.engine,
      MAX_LEASE_LENGTH,
    )
    if (
      p.typ !== 'lease' ||
      typeof p.lid !== 'string' ||
      typeof p.deployment !== 'string' ||
      !LEASE_STATUSES.includes(p.status as LeaseClaims['status']) ||
      !isTime(p.serverTime) ||
      !isTime(p.validUntil) ||
      !isTime(p.iat)
    ) {
      throw new MalformedError('Lease payload has the wrong shape')
    }
    return p as unknown as LeaseClaims
  })
}
