import { PoolExpiredError } from './pool-errors.js'
import type { PoolClaims } from './types.js'

/** Where a pool stands at a time: usable, or why not, with the seconds left. */
export interface PoolValidity {
  state: 'valid' | 'not_yet_valid' | 'expired'
  /** Seconds until `exp` (negative once past). */
  secondsLeft: number
}

/**
 * Judges a verified pool's validity at `nowMs`, with `toleranceS` of clock skew on both edges.
 *
 * @example
 * ```ts
 * if (poolValidity(pool, Date.now()).state !== 'valid') refuse()
 * ```
 */
export function poolValidity(pool: PoolClaims, nowMs: number, toleranceS = 0): PoolValidity {
  const now = nowMs / 1000
  const secondsLeft = Math.floor(pool.exp - now)
  if (now + toleranceS < pool.nbf) return { state: 'not_yet_valid', secondsLeft }
  if (now - toleranceS >= pool.exp) return { state: 'expired', secondsLeft }
  return { state: 'valid', secondsLeft }
}

/**
 * Throws {@link PoolExpiredError} unless the pool is valid at `nowMs`.
 *
 * @example
 * ```ts
 * assertPoolValid(pool, Date.now())
 * ```
 */
export function assertPoolValid(pool: PoolClaims, nowMs: number, toleranceS = 0): void {
  const v = poolValidity(pool, nowMs, toleranceS)
  if (v.state === 'expired') {
    throw new PoolExpiredError(
      `The relay pool file expired at ${new Date(pool.exp * 1000).toISOString()}`,
    )
  }
  if (v.state === 'not_yet_valid') {
    throw new PoolExpiredError(
      `The relay pool file is valid from ${new Date(pool.nbf * 1000).toISOString()}`,
    )
  }
}
