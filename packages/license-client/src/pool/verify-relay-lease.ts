import { KeySet } from '../keys/key-set.js'
import type { Jwks } from '../keys/types.js'
import { LicenseError } from '../lib/license-error.js'
import { verifySeatLease } from '../seat/verify-seat-lease.js'
import type { SeatLeaseClaims } from '../seat/types.js'
import { poolFileHash } from './pool-file-hash.js'
import { PoolFileInvalidError } from './pool-errors.js'
import { assertPoolValid } from './pool-validity.js'
import type { PoolClaims } from './types.js'
import { verifyPoolFile } from './verify-pool-file.js'

/** Input of {@link verifyRelayLease}. */
export interface RelayLeaseInput {
  /** The seat lease the relay answered (compact JWS signed by the relay key). */
  lease: string
  /** The pool file the relay answered next to it. */
  poolFile: string
  /** The vendor keys the client pinned (or follows from pinned keys). */
  vendorKeys: KeySet | Jwks
  /** The license the client runs: the pool must be for it. */
  licenseId: string
  /** Trusted time, ms. */
  nowMs: number
  /** Clock skew allowed on the pool's edges, seconds (default 60). */
  toleranceS?: number
}

/**
 * Verifies the relay chain: vendor key → pool file → relay key → seat lease. The pool file must
 * verify against the vendor keys, name this license and be valid now (else PoolExpiredError);
 * the lease must be signed by the relay key the pool names, be issued by that relay, name this
 * license and the pool file's hash, and not outlive the pool. Throws {@link PoolFileInvalidError}
 * (code POOL_INVALID, or RELAY_LEASE_INVALID for the lease) or PoolExpiredError.
 *
 * @example
 * ```ts
 * const { lease, pool } = verifyRelayLease({ lease: res.lease, poolFile: res.pool,
 *   vendorKeys, licenseId: license.id, nowMs: Date.now() })
 * ```
 */
export function verifyRelayLease(input: RelayLeaseInput): {
  lease: SeatLeaseClaims
  pool: PoolClaims
} {
  const pool = verifyPoolFile(input.poolFile, input.vendorKeys)
  if (pool.lid !== input.licenseId) {
    throw new PoolFileInvalidError('The relay pool file is for another license')
  }
  assertPoolValid(pool, input.nowMs, input.toleranceS ?? 60)
  let lease: SeatLeaseClaims
  try {
    lease = verifySeatLease(input.lease, KeySet.from({ keys: [pool.rk] }))
  } catch (err) {
    const why = err instanceof LicenseError ? err.code : 'unparseable'
    throw new PoolFileInvalidError(
      `The seat lease is not signed by the relay key the pool file names (${why})`,
      undefined,
      'RELAY_LEASE_INVALID',
    )
  }
  if (
    lease.iss !== relayIssuer(pool.rk.kid) ||
    lease.lid !== pool.lid ||
    lease.pool !== poolFileHash(input.poolFile) ||
    lease.exp > pool.exp
  ) {
    throw new PoolFileInvalidError(
      'The seat lease does not belong to this pool file (issuer, license, pool hash or expiry)',
      undefined,
      'RELAY_LEASE_INVALID',
    )
  }
  return { lease, pool }
}

/**
 * The `iss` of the leases a relay signs: `relay:` and its key's thumbprint.
 *
 * @example
 * ```ts
 * relayIssuer(pool.rk.kid) // 'relay:Nq0...'
 * ```
 */
export function relayIssuer(kid: string): string {
  return `relay:${kid}`
}
