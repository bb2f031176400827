import {
  LicenseError,
  poolValidity,
  relayIssuer,
  signSeatLease,
  verifyLicense,
  type KeySet,
  type RelayIdentity,
} from '@tollgate/license-client'
import { AppError } from '../errors/app-error.js'
import { asDate } from '../lib/json.js'
import type { KeyedQueue } from '../seats/keyed-queue.js'
import type { HeldPool, PoolHolder } from './pool-holder.js'
import type { RelayDb, RelayLeaseRow } from './relay-lease.table.js'

/** What the relay's seat services need. */
export interface RelayDeps {
  db: RelayDb
  pools: PoolHolder
  identity: RelayIdentity
  vendorKeys: KeySet
  now: () => Date
  /** Checkouts run one at a time (the relay has one pool). */
  queue: KeyedQueue
  /** Answers carry `warning: POOL_EXPIRING` this long before the pool's `exp`, seconds. */
  warnBeforeS: number
}

/** A relay seat lease with what the client needs to verify it (the pool file). */
export interface RelaySeat {
  leaseId: string
  lease: string
  scope: string
  overage: boolean
  expiresAt: string
  /** The pool file (vendor-signed JWS) the lease is granted under. */
  pool: string
  poolExpiresAt: string
  /** `SEATS_OVERAGE` (seat past `seats`), `POOL_EXPIRING` (renew the pool file soon), or null. */
  warning: 'SEATS_OVERAGE' | 'POOL_EXPIRING' | null
}

/**
 * The pool in force, if it is valid now: else POOL_EXPIRED / POOL_NOT_YET_VALID.
 *
 * @example
 * ```ts
 * const pool = await usablePool(deps, now)
 * ```
 */
export async function usablePool(deps: RelayDeps, now: Date): Promise<HeldPool> {
  const pool = await deps.pools.current()
  const v = poolValidity(pool.claims, now.getTime())
  if (v.state === 'expired') {
    throw new AppError(
      'POOL_EXPIRED',
      `The relay's pool file expired at ${new Date(pool.claims.exp * 1000).toISOString()}`,
    )
  }
  if (v.state === 'not_yet_valid') throw new AppError('POOL_NOT_YET_VALID')
  return pool
}

/**
 * Checks the caller's license key offline against the vendor keys: it must be the pool's
 * license (INVALID_LICENSE_KEY otherwise). Expiry is the pool's business (its `exp` is capped
 * by the license's).
 *
 * @example
 * ```ts
 * checkPoolLicense(deps, req.body.key, pool)
 * ```
 */
export function checkPoolLicense(deps: RelayDeps, key: string, pool: HeldPool): void {
  let lid: string
  try {
    lid = verifyLicense(key, deps.vendorKeys, { ignoreExpiry: true, now: deps.now() }).id
  } catch (err) {
    throw new AppError(
      'INVALID_LICENSE_KEY',
      err instanceof LicenseError ? err.message : 'Unreadable license key',
    )
  }
  if (lid !== pool.claims.lid) {
    throw new AppError('INVALID_LICENSE_KEY', "The key is not the license of this relay's pool")
  }
}

/**
 * The pool in force for a caller holding `key`: {@link usablePool} then {@link checkPoolLicense}
 * (POOL_EXPIRED / POOL_NOT_YET_VALID first, then INVALID_LICENSE_KEY).
 *
 * @example
 * ```ts
 * const pool = await licensedPool(deps, input.key, now)
 * ```
 */
export async function licensedPool(deps: RelayDeps, key: string, now: Date): Promise<HeldPool> {
  const pool = await usablePool(deps, now)
  checkPoolLicense(deps, key, pool)
  return pool
}

/**
 * A lease's expiry from now: the pool's lease TTL, never past the pool's own `exp`.
 *
 * @example
 * ```ts
 * const expiresAt = leaseExpiry(pool, now)
 * ```
 */
export function leaseExpiry(pool: HeldPool, now: Date): Date {
  return new Date(
    Math.min(now.getTime() + pool.claims.policy.leaseTtlS * 1000, pool.claims.exp * 1000),
  )
}

/**
 * Signs a lease row with the relay's key (issuer `relay:<kid>`, naming the pool file's hash).
 *
 * @example
 * ```ts
 * return signRelaySeat(deps, row, pool, now)
 * ```
 */
export function signRelaySeat(
  deps: RelayDeps,
  row: RelayLeaseRow,
  pool: HeldPool,
  now: Date,
): RelaySeat {
  const lease = signSeatLease(
    {
      issuer: relayIssuer(deps.identity.publicKey.kid),
      licenseId: row.license_id,
      leaseId: row.id,
      scope: row.scope,
      overage: row.overage,
      issuedAt: now,
      expiresAt: asDate(row.expires_at),
      poolHash: pool.hash,
    },
    deps.identity.signing,
  )
  const expiring = poolValidity(pool.claims, now.getTime()).secondsLeft < deps.warnBeforeS
  return {
    leaseId: row.id,
    lease,
    scope: row.scope,
    overage: row.overage,
    expiresAt: asDate(row.expires_at).toISOString(),
    pool: pool.jws,
    poolExpiresAt: new Date(pool.claims.exp * 1000).toISOString(),
    warning: row.overage ? 'SEATS_OVERAGE' : expiring ? 'POOL_EXPIRING' : null,
  }
}
