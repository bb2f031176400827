import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { Counter } from 'prom-client'
import { IDEMPOTENCY_TTL_MS } from '../idempotency/idempotency.hooks.js'
import { purgeIdempotencyKeys } from '../idempotency/idempotency.repository.js'
import { expireLicenses } from '../lifecycle/expire-licenses.js'
import { sendReminders } from '../lifecycle/send-reminders.js'
import { PeriodicJobs } from '../lib/periodic-jobs.js'
import { deliverWebhooks, type WebhookPassReport } from './deliver-webhooks.js'
import type { EndpointDeps } from './manage-endpoints.js'

/** Webhook and lifecycle services, decorated on the app as `app.webhooks`. */
export interface WebhookServices {
  /** What endpoint management (API, CLI, console) passes to the services. */
  endpointDeps: EndpointDeps
  /** One delivery pass now (the timer calls this). */
  deliver(): Promise<WebhookPassReport>
  /** One expiry pass now: the ids it expired. */
  expire(): Promise<string[]>
  /** One reminder pass now: how many reminders it created. */
  remind(): Promise<number>
}

declare module 'fastify' {
  interface FastifyInstance {
    webhooks: WebhookServices
  }
}

/**
 * Sets up vendor webhooks and the lifecycle jobs on the app clock: delivery
 * (WEBHOOK_INTERVAL_MS), expiry and reminders (LIFECYCLE_INTERVAL_S). Every job is safe with N
 * instances (rows taken with SKIP LOCKED, reminders keyed uniquely) and runs outside requests,
 * so delivery never blocks an API call. Register after `app.tollgate` exists, before routes.
 *
 * @example
 * ```ts
 * await app.register(webhooksPlugin)
 * ```
 */
export const webhooksPlugin = fp(
  (app: FastifyInstance) => {
    const ctx = app.tollgate
    const cfg = ctx.config.webhooks
    const counter = new Counter({
      name: 'tollgate_webhook_attempts_total',
      help: 'Webhook delivery attempts by result (delivered, retried, failed)',
      labelNames: ['result'] as const,
      registers: [ctx.metrics.registry],
    })
    const services: WebhookServices = {
      endpointDeps: {
        masterKey: ctx.signingKeys.masterKey,
        now: ctx.now,
        allowPrivateNetworks: cfg.allowPrivateNetworks,
        secretOverlapMs: cfg.secretOverlapMs,
      },
      deliver: async () => {
        const report = await deliverWebhooks({
          db: ctx.db,
          masterKey: ctx.signingKeys.masterKey,
          now: ctx.now,
          config: cfg,
          userAgent: `Tollgate-Webhooks/${ctx.version}`,
          log: app.log,
        })
        for (const result of ['delivered', 'retried', 'failed'] as const) {
          if (report[result] > 0) counter.inc({ result }, report[result])
        }
        return report
      },
      expire: () => expireLicenses(ctx.db, ctx),
      remind: () => sendReminders(ctx.db, ctx),
    }
    app.decorate('webhooks', services)
    const jobs = new PeriodicJobs(app.log)
    app.addHook('onReady', () => {
      jobs.every(cfg.intervalMs, 'webhook delivery', () => services.deliver())
      jobs.every(cfg.lifecycleIntervalMs, 'license expiry', () => services.expire())
      jobs.every(cfg.lifecycleIntervalMs, 'license reminders', () => services.remind())
      jobs.every(cfg.lifecycleIntervalMs, 'idempotency key purge', () =>
        purgeIdempotencyKeys(ctx.db, new Date(ctx.now().getTime() - IDEMPOTENCY_TTL_MS)),
      )
      return Promise.resolve()
    })
    // Before the root hook that destroys the database (reverse registration order).
    app.addHook('onClose', () => jobs.stop())
    return Promise.resolve()
  },
  { name: 'tollgate-webhooks' },
)
