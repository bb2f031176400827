import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { actorFromRequest, requireScope } from '../auth/admin-auth.js'
import { AppError } from '../errors/app-error.js'
import { decodeCursor, toPage } from '../lib/pagination.js'
import { EmptyQuery, IdParams, PageOf, errorResponses } from '../lib/schemas.js'
import { resendWebhookDelivery } from './resend-webhook-delivery.js'
import { findDelivery, listAttempts, listDeliveries } from './webhook-delivery.repository.js'
import { ListDeliveriesQuery } from './webhook.schemas.js'
import { toWebhookDeliveryView } from './webhook.view.js'

const tags = ['webhooks']
const Delivery = Type.Ref('WebhookDelivery')

/**
 * Admin webhook delivery routes under /v1/admin (registered by `webhookRoutes`): the delivery
 * log (`/webhooks/deliveries`), one delivery with its attempts, and resend. Scopes
 * `webhooks:read|write`.
 *
 * @example
 * ```ts
 * await app.register(webhookDeliveryRoutes)
 * ```
 */
export const webhookDeliveryRoutes: FastifyPluginAsyncTypebox = (app) => {
  const { db } = app.tollgate
  const deps = app.webhooks.endpointDeps
  const read = requireScope('webhooks:read')
  const write = requireScope('webhooks:write')

  // Static paths before `/webhooks/:id` would not matter to find-my-way, but keep them close.
  app.get(
    '/webhooks/deliveries',
    {
      schema: {
        tags,
        querystring: ListDeliveriesQuery,
        response: { 200: PageOf(Delivery), ...errorResponses },
      },
      preHandler: read,
    },
    async (req) => {
      const limit = req.query.limit ?? 50
      const rows = await listDeliveries(db, req.auth.tenantId, {
        limit,
        after: decodeCursor(req.query.cursor),
        endpointId: req.query.endpointId,
        eventId: req.query.eventId,
        status: req.query.status,
      })
      return toPage(rows, limit, (r) => toWebhookDeliveryView(r))
    },
  )

  app.get(
    '/webhooks/deliveries/:id',
    {
      schema: {
        tags,
        params: IdParams,
        querystring: EmptyQuery,
        response: { 200: Delivery, ...errorResponses },
      },
      preHandler: read,
    },
    async (req) => {
      const row = await findDelivery(db, req.auth.tenantId, req.params.id)
      if (!row) throw new AppError('NOT_FOUND', `No webhook delivery ${req.params.id}`)
      return toWebhookDeliveryView(row, await listAttempts(db, row.id))
    },
  )

  app.post(
    '/webhooks/deliveries/:id/resend',
    {
      schema: {
        tags,
        params: IdParams,
        querystring: EmptyQuery,
        body: Type.Union([Type.Object({}, { additionalProperties: false }), Type.Null()]),
        response: { 200: Delivery, ...errorResponses },
      },
      preHandler: write,
    },
    async (req) => {
      const row = await db
        .transaction()
        .execute((trx) =>
          resendWebhookDelivery(trx, req.auth.tenantId, req.params.id, actorFromRequest(req), deps),
        )
      return toWebhookDeliveryView(row)
    },
  )

  return Promise.resolve()
}
