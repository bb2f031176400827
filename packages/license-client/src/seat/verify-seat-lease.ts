import { MalformedError } from '../errors.js'
import type { KeySet } from '../keys/key-set.js'
import type { Jwks } from '../keys/types.js'
import type { Ed25519Engine } from '../lib/ed25519.js'
import { onlyLicenseErrors, verifyCompactJws } from '../lib/jws.js'
import { MAX_SEAT_LEASE_LENGTH, SEAT_LEASE_TYP, type SeatLeaseClaims } from './types.js'

const isTime = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n) && n >= 0
const isText = (s: unknown): s is string => typeof s === 'string' && s.length > 0 && s.length <= 512

/**
 * Verifies a seat lease's signature and shape. Time is not judged here: the caller compares
 * `exp` with its trusted time (a seat lease is short, so its expiry is the point).
 *
 * @example
 * ```ts
 * const seat = verifySeatLease(response.lease, keys)
 * if (seat.exp * 1000 < Date.now()) renewNow()
 * ```
 */
export function verifySeatLease(
  jws: string,
  keys: KeySet | Jwks,
  opts: { engine?: Ed25519Engine } = {},
): SeatLeaseClaims {
  return onlyLicenseErrors(() => {
    const { payload: p } = verifyCompactJws(
      jws,
      keys,
      SEAT_LEASE_TYP,
      opts.engine,
      MAX_SEAT_LEASE_LENGTH,
    )
    if (
      p.typ !== 'seat' ||
      !isText(p.iss) ||
      !isText(p.lid) ||
      !isText(p.sid) ||
      !isText(p.scope) ||
      typeof p.overage !== 'boolean' ||
      !isTime(p.iat) ||
      !isTime(p.exp)
    ) {
      throw new MalformedError('Seat lease payload has the wrong shape')
    }
    return p as unknown as SeatLeaseClaims
  })
}
