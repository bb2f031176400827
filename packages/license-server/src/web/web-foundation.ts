import type { FastifyInstance } from 'fastify'
import { assetRoutes } from './assets.js'
import { purgeExpiredWebState } from './web-session.repository.js'

const PURGE_EVERY_MS = 10 * 60_000
const ATTEMPT_RETENTION_MS = 24 * 3_600_000

/**
 * The shared part of the web surfaces, registered once at the root: `/assets/*` and a periodic
 * purge of expired sessions and stale attempt counters (idempotent, safe on N instances).
 * Console and portal each add their own scope with `setupWebScope`.
 *
 * @example
 * ```ts
 * await app.register(webFoundation)
 * ```
 */
export async function webFoundation(app: FastifyInstance): Promise<void> {
  await app.register(assetRoutes)
  const { db, now } = app.tollgate
  const timer = setInterval(() => {
    purgeExpiredWebState(db, now(), ATTEMPT_RETENTION_MS).catch((err: unknown) =>
      app.log.warn({ err }, 'web session purge failed'),
    )
  }, PURGE_EVERY_MS)
  timer.unref()
  app.addHook('onClose', () => clearInterval(timer))
}
