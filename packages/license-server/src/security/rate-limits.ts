import rateLimit from '@fastify/rate-limit'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Redis } from 'ioredis'
import { AppError } from '../errors/app-error.js'
import type { Config } from '../config/load-config.js'

type Limiter = ReturnType<FastifyInstance['createRateLimit']>

/** The hooks built by {@link setupRateLimits}. */
export interface RateLimitHooks {
  /** onRequest hook of public routes: per client IP. */
  perIp: (request: FastifyRequest, reply: FastifyReply) => Promise<void>
  /** onRequest hook of admin routes (after auth): per API key. */
  perApiKey: (request: FastifyRequest, reply: FastifyReply) => Promise<void>
  /**
   * Per license, with the limit of its plan tier: call from a handler once the license id and
   * tier are known (validate, activate, heartbeat...).
   */
  perLicense: (
    request: FastifyRequest,
    reply: FastifyReply,
    license: { id: string; tier: string },
  ) => Promise<void>
}

declare module 'fastify' {
  interface FastifyRequest {
    tollgateLicense?: { id: string; tier: string }
  }
}

async function apply(limiter: Limiter, request: FastifyRequest, reply: FastifyReply) {
  const r = await limiter(request)
  if (r.isAllowed) return
  // With several limiters on a route the most restrictive one shows in the headers.
  const shown = Number(reply.getHeader('x-ratelimit-remaining') ?? Infinity)
  if (r.remaining <= shown || r.isExceeded) {
    void reply.header('x-ratelimit-limit', r.max)
    void reply.header('x-ratelimit-remaining', r.remaining)
    void reply.header('x-ratelimit-reset', r.ttlInSeconds)
  }
  if (r.isExceeded) {
    void reply.header('retry-after', r.ttlInSeconds)
    throw new AppError('RATE_LIMITED', `Rate limit exceeded, retry in ${r.ttlInSeconds}s`)
  }
}

/**
 * Registers @fastify/rate-limit (Redis store when a client is given, so instances share
 * counters; storage errors fail open) and returns the per-IP, per-API-key and per-license
 * hooks. Every limited answer carries `X-RateLimit-Limit/Remaining/Reset`; a 429 also
 * `Retry-After` and code RATE_LIMITED.
 *
 * @example
 * ```ts
 * const limits = await setupRateLimits(app, config, redis)
 * publicScope.addHook('onRequest', limits.perIp)
 * ```
 */
export async function setupRateLimits(
  app: FastifyInstance,
  config: Config,
  redis: Redis | undefined,
  nameSpace = 'tollgate-rl:',
): Promise<RateLimitHooks> {
  const rl = config.rateLimit
  await app.register(rateLimit, {
    global: false,
    timeWindow: rl.windowMs,
    skipOnError: true,
    nameSpace,
    ...(redis ? { redis } : {}),
  })
  const perIp = app.createRateLimit({
    max: rl.publicMax,
    timeWindow: rl.windowMs,
    keyGenerator: (req) => `ip:${req.ip}`,
  })
  const perKey = app.createRateLimit({
    max: rl.adminMax,
    timeWindow: rl.windowMs,
    keyGenerator: (req) => `key:${req.auth.apiKeyId}`,
  })
  const perLicense = app.createRateLimit({
    timeWindow: rl.windowMs,
    max: (req) => {
      const tier = req.tollgateLicense?.tier ?? 'default'
      return rl.tiers[tier] ?? rl.tiers.default ?? rl.publicMax
    },
    keyGenerator: (req) => `lic:${req.tollgateLicense?.id ?? 'none'}`,
  })
  return {
    perIp: (request, reply) => apply(perIp, request, reply),
    perApiKey: (request, reply) => apply(perKey, request, reply),
    perLicense: (request, reply, license) => {
      request.tollgateLicense = license
      return apply(perLicense, request, reply)
    },
  }
}
