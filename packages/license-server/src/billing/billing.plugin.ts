import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { Counter } from 'prom-client'
import type Stripe from 'stripe'
import { deliverOutbox, type DeliveryReport } from '../outbox/deliver-outbox.js'
import { PeriodicJobs } from '../lib/periodic-jobs.js'
import { createLogSender } from '../outbox/log-sender.js'
import type { MessageSender } from '../outbox/message-sender.js'
import { createSmtpSender } from '../outbox/smtp-sender.js'
import type { BillingDeps } from './billing-deps.js'
import { sweepPastDue } from './past-due-sweep.js'
import { createStripeClient } from './stripe-client.js'

/** Billing services, decorated on the app as `app.billing`. */
export interface BillingServices {
  /** Undefined without STRIPE_SECRET_KEY. */
  stripe: Stripe | undefined
  sender: MessageSender
  /** The tenant the Stripe account bills for. */
  tenantId: string
  /** Deps for the handlers (`app.tollgate` plus the Stripe client). */
  deps: BillingDeps
  /** One past-due sweep now (the timer calls this). */
  sweep(): Promise<string[]>
  /** One outbox delivery pass now (the timer calls this). */
  deliver(sender?: MessageSender): Promise<DeliveryReport>
  /** `tollgate_billing_events_total{type, outcome}`. */
  events: Counter<'type' | 'outcome'>
}

declare module 'fastify' {
  interface FastifyInstance {
    billing: BillingServices
  }
}

/**
 * Sets up billing: the Stripe client (host/port/protocol overridable), the message sender
 * (SMTP when SMTP_HOST is set, else the log sender) and two jobs on the app clock: the
 * past-due sweep and outbox delivery. Register after `app.tollgate` exists, before routes.
 *
 * @example
 * ```ts
 * await app.register(billingPlugin)
 * ```
 */
export const billingPlugin = fp(
  (app: FastifyInstance) => {
    const ctx = app.tollgate
    const cfg = ctx.config.billing
    const stripe = createStripeClient(cfg, ctx.version)
    const sender = cfg.smtp ? createSmtpSender(cfg.smtp) : createLogSender(app.log)
    const deps: BillingDeps = { ...ctx, stripe }
    const registers = [ctx.metrics.registry]
    const events = new Counter({
      name: 'tollgate_billing_events_total',
      help: 'Stripe webhook deliveries by event type and outcome',
      labelNames: ['type', 'outcome'] as const,
      registers,
    })
    const outbox = new Counter({
      name: 'tollgate_outbox_deliveries_total',
      help: 'Outbox delivery attempts by result (sent, retried, failed)',
      labelNames: ['result'] as const,
      registers,
    })
    const services: BillingServices = {
      stripe,
      sender,
      tenantId: cfg.tenantId ?? ctx.bootstrap.tenantId,
      deps,
      sweep: () => sweepPastDue(ctx.db, ctx),
      deliver: async (override) => {
        const report = await deliverOutbox(ctx.db, override ?? sender, {
          now: ctx.now,
          policy: { maxAttempts: cfg.outboxMaxAttempts },
        })
        for (const result of ['sent', 'retried', 'failed'] as const) {
          if (report[result] > 0) outbox.inc({ result }, report[result])
        }
        return report
      },
      events,
    }
    app.decorate('billing', services)
    const jobs = new PeriodicJobs(app.log)
    app.addHook('onReady', () => {
      jobs.every(cfg.sweepIntervalS * 1000, 'past-due sweep', () => services.sweep())
      jobs.every(cfg.outboxIntervalS * 1000, 'outbox delivery', () => services.deliver())
      return Promise.resolve()
    })
    // Runs before the root hook that destroys the database (Fastify closes in reverse
    // registration order), so a pass in flight finishes against a live pool.
    app.addHook('onClose', () => jobs.stop())
    return Promise.resolve()
  },
  { name: 'tollgate-billing' },
)
