import type { FastifyInstance } from 'fastify'
import type { Fleet } from '../deployments/fleet.js'
import { runRetention } from './run-retention.js'

/**
 * Runs the retention job on the fleet's `retention.intervalMs` timer (unref'd; one run at a
 * time per instance, one across instances by its advisory lock). Failures are logged and
 * retried by the next run.
 *
 * @example
 * ```ts
 * const retention = startRetention(app, fleet)
 * app.addHook('onClose', () => retention.stop())
 * ```
 */
export function startRetention(app: FastifyInstance, fleet: Fleet): { stop(): Promise<void> } {
  const opts = fleet.options.retention
  let running: Promise<unknown> | undefined
  const run = (): void => {
    if (running) return
    running = runRetention(app.tollgate.db, opts, fleet.now())
      .then((r) => {
        if (r.audit + r.usageBatches + r.addresses > 0) app.log.info(r, 'retention pruned rows')
      })
      .catch((err: unknown) =>
        app.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'retention failed'),
      )
      .finally(() => {
        running = undefined
      })
  }
  const timer = opts.intervalMs > 0 ? setInterval(run, opts.intervalMs) : undefined
  timer?.unref()
  return {
    stop: async () => {
      if (timer) clearInterval(timer)
      await running
    },
  }
}
