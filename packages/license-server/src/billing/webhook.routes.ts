import type { FastifyPluginAsync } from 'fastify'
import { AppError } from '../errors/app-error.js'
import { insertEventOnce } from './billing-event.repository.js'
import { processEvent } from './process-event.js'
import { eventObjectId, fromUnix } from './stripe-objects.js'
import { verifyStripeWebhook } from './verify-webhook.js'

/** Stripe events can outgrow the general JSON body limit (long invoices). */
const WEBHOOK_BODY_LIMIT = 1_048_576

/**
 * `POST /v1/webhooks/stripe`. The JSON parser of this plugin only (encapsulated) keeps the raw
 * bytes, because the signature covers them exactly. Flow: verify (400 on a bad or stale
 * signature) -> store once (`ON CONFLICT DO NOTHING` on the event id) -> process once (row
 * lock) -> 200. A handler failure answers 500 so Stripe redelivers; a delivery racing another
 * of the same event answers 409 (Stripe retries; by then it is a 200 duplicate).
 *
 * @example
 * ```ts
 * await app.register(stripeWebhookRoutes, { prefix: '/v1' })
 * ```
 */
export const stripeWebhookRoutes: FastifyPluginAsync = (app) => {
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) => {
    done(null, body)
  })

  app.post(
    '/webhooks/stripe',
    {
      bodyLimit: WEBHOOK_BODY_LIMIT,
      schema: { tags: ['billing'], summary: 'Stripe webhook endpoint (signature-verified)' },
    },
    async (req, reply) => {
      const { db, config, now } = app.tollgate
      const secret = config.billing.stripeWebhookSecret
      if (!secret) throw new AppError('BILLING_NOT_CONFIGURED', 'STRIPE_WEBHOOK_SECRET is not set')
      if (!Buffer.isBuffer(req.body)) {
        throw new AppError('WEBHOOK_SIGNATURE_INVALID', 'Send the event as application/json')
      }
      const header = req.headers['stripe-signature']
      const event = verifyStripeWebhook(
        req.body,
        typeof header === 'string' ? header : undefined,
        secret,
        config.billing.webhookToleranceS,
        now(),
      )
      const stored = await insertEventOnce(db, {
        tenantId: app.billing.tenantId,
        stripeEventId: event.id,
        type: event.type,
        objectId: eventObjectId(event),
        livemode: event.livemode,
        stripeCreatedAt: fromUnix(event.created),
        payload: event,
        receivedAt: now(),
      })
      const result = await processEvent(db, event.id, app.billing.deps)
      app.billing.events.inc({ type: event.type, outcome: result.outcome })
      req.log.info(
        { stripeEventId: event.id, type: event.type, stored, outcome: result.outcome },
        'stripe event',
      )
      switch (result.outcome) {
        case 'in_progress':
          throw new AppError('BILLING_EVENT_IN_PROGRESS')
        case 'failed':
          throw new AppError(
            'BILLING_EVENT_FAILED',
            `Event ${event.id} failed: ${result.event.error ?? 'unknown error'}`,
          )
        case 'duplicate':
          return reply.send({ received: true, eventId: event.id, status: 'duplicate' })
        default:
          return reply.send({ received: true, eventId: event.id, status: result.event.status })
      }
    },
  )
  return Promise.resolve()
}
