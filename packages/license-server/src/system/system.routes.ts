import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox'
import { sql } from 'kysely'
import { Type } from 'typebox'
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

/**
 * Operations routes: `GET /health` (database check; 503 `degraded` when it fails),
 * `GET /metrics` (Prometheus text) and `GET /docs/json` (the OpenAPI document).
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
  app.get(
    '/health',
    { schema: { tags: ['operations'], response: { 200: Health, 503: Health } } },
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
  app.get('/metrics', { schema: { tags: ['operations'], hide: true } }, async (_req, reply) => {
    void reply.header('content-type', metrics.registry.contentType)
    return metrics.registry.metrics()
  })
  app.get('/docs/json', { schema: { hide: true } }, () => app.swagger())
  done()
}
