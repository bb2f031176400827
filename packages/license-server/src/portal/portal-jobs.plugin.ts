import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { purgeLoginState } from './login-throttle.repository.js'

const PURGE_EVERY_MS = 3_600_000
const KEEP_MS = 86_400_000

/**
 * Hourly clean-up of portal sign-in state: expired codes and idle throttle rows older than a
 * day (sign-in attempts for made-up emails must not grow the tables without bound). Runs on
 * the app clock; several instances running it at once only delete the same rows.
 *
 * @example
 * ```ts
 * await app.register(portalJobsPlugin)
 * ```
 */
export const portalJobsPlugin = fp(
  (app: FastifyInstance) => {
    let timer: NodeJS.Timeout | undefined
    let running: Promise<void> | undefined
    app.addHook('onReady', () => {
      timer = setInterval(() => {
        if (running) return
        const { db, now } = app.tollgate
        running = purgeLoginState(db, now(), KEEP_MS)
          .catch((err: unknown) => app.log.warn({ err }, 'portal login purge failed'))
          .finally(() => {
            running = undefined
          })
      }, PURGE_EVERY_MS)
      timer.unref()
      return Promise.resolve()
    })
    app.addHook('onClose', async () => {
      clearInterval(timer)
      await running
    })
    return Promise.resolve()
  },
  { name: 'tollgate-portal-jobs' },
)
