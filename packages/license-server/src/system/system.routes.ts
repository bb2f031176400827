import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox'
import { sql } from 'kysely'
import { Type } from 'typebox'
import type { FastifyRequest } from 'fastify'
import { AppError } from '../errors/app-error.js'
import { sha256Hex, safeEqual } from '../lib/hash.js'
import { StringEnum } from '../lib/schemas.js'

async function pingDatabase(run: () => Promise<unknown>, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined
  try {
    return await Promise.race([
      run().then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs)
      }),
    ])
  } catch {
    return false
  } finally {
    clearTimeout(timer)
  }
}

/** onRequest hook requiring `Authorization: Bearer <OPS_TOKEN>` (compared in constant time). */
function requireOpsToken(token: string) {
  const expected = sha256Hex(token)
  return async (request: FastifyRequest): Promise<void> => {
    const header = request.headers.authorization
    const given = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1] : undefined
    if (given === undefined) throw new AppError('UNAUTHORIZED', 'This route needs the OPS_TOKEN')
    // Hashes first: equal lengths, so the comparison time says nothing about the token.
    if (!safeEqual(sha256Hex(given), expected)) {
      throw new AppError('UNAUTHORIZED', 'This route needs the OPS_TOKEN')
    }
  }
}

/**
 * Operations routes: `GET /health` (database check; 503 `degraded` when it fails),
 * `GET /metrics` (Prometheus text) and `GET /docs/json` (the OpenAPI document). With
 * `OPS_TOKEN` set, `/metrics` and `/health` (unless `OPS_HEALTH_PUBLIC`) need it as a bearer token.
 *
 * @example
 * ```ts
 * app.register(systemRoutes)
 * ```
 */
export const systemRoutes: FastifyPluginCallbackTypebox = (app, _opts, done) => {
  const { db, version, metrics, config } = app.tollgate
  const Health = Type.Object({
    status: StringEnum(['ok', 'degraded'] as const),
    database: StringEnum(['ok', 'unavailable'] as const),
    version: Type.String(),
  })
  const guard = config.ops.token ? requireOpsToken(config.ops.token) : undefined
  if (!guard && !['127.0.0.1', '::1', 'localhost'].includes(config.host)) {
    app.log.warn('/metrics and /health are open to anyone who can reach the port: set OPS_TOKEN')
  }
  const healthGuard = config.ops.healthPublic ? undefined : guard
  app.get(
    '/health',
    {
      schema: { tags: ['operations'], response: { 200: Health, 503: Health } },
      ...(healthGuard ? { onRequest: healthGuard } : {}),
    },
    async (_req, reply) => {
      const ok = await pingDatabase(
        () => sql`select 1`.execute(db),
        Math.min(config.dbTimeoutMs, 2000),
      )
      return reply.code(ok ? 200 : 503).send({
        status: ok ? 'ok' : 'degraded',
        database: ok ? 'ok' : 'unavailable',
        version,
      })
    },
  )
  app.get(
    '/metrics',
    { schema: { tags: ['operations'], hide: true }, ...(guard ? { onRequest: guard } : {}) },
    async (_req, reply) => {
      void reply.header('content-type', metrics.registry.contentType)
      return metrics.registry.metrics()
    },
  )
  app.get('/docs/json', { schema: { hide: true } }, () => app.swagger())
  done()
}
