import type { Redis } from 'ioredis'

/**
 * Failed admin authentications per client IP counted in Redis, so N instances behind a load
 * balancer share one limit (`REDIS_URL`). A fixed window: the first failure creates the counter
 * with the window as its expiry, later ones increment it. Every call may reject when Redis is
 * unreachable; {@link AuthFailureLimiter} then falls back to its in-process count.
 *
 * @example
 * ```ts
 * const shared = new SharedAuthFailures(redis, 'tollgate-rl:authfail:', 300_000)
 * await shared.fail('10.0.0.7')
 * await shared.blockedFor('10.0.0.7', 30) // seconds to wait, or undefined
 * ```
 */
export class SharedAuthFailures {
  readonly #redis: Redis
  readonly #prefix: string
  readonly #windowMs: number

  constructor(redis: Redis, prefix: string, windowMs: number) {
    this.#redis = redis
    this.#prefix = prefix
    this.#windowMs = windowMs
  }

  /** Seconds until `ip` may try again once it reached `max` failures, else undefined. */
  async blockedFor(ip: string, max: number): Promise<number | undefined> {
    const replies = await this.#redis.multi().get(this.#key(ip)).pttl(this.#key(ip)).exec()
    const [count, ttl] = (replies ?? []).map(([err, value]) => {
      if (err) throw err
      return value
    })
    if (count === null || count === undefined || Number(count) < max) return undefined
    const ms = Number(ttl)
    return ms > 0 ? Math.max(1, Math.ceil(ms / 1000)) : undefined
  }

  /** Counts one failure of `ip`. */
  async fail(ip: string): Promise<void> {
    const key = this.#key(ip)
    const replies = await this.#redis
      .multi()
      .set(key, 0, 'PX', this.#windowMs, 'NX')
      .incr(key)
      .exec()
    for (const [err] of replies ?? []) if (err) throw err
  }

  #key(ip: string): string {
    return this.#prefix + ip
  }
}
