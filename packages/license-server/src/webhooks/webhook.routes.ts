import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { actorFromRequest, requireScope } from '../auth/admin-auth.js'
import { AppError } from '../errors/app-error.js'
import { findEvent, listEvents } from '../events/event.repository.js'
import { toEventView } from '../events/event.view.js'
import { decodeCursor, toPage } from '../lib/pagination.js'
import { EmptyQuery, IdParams, PageOf, PageQuery, errorResponses } from '../lib/schemas.js'
import {
  changeEndpoint,
  createEndpoint,
  removeEndpoint,
  resendWebhookDelivery,
  rotateEndpointSecret,
  sendTestEvent,
} from './manage-endpoints.js'
import { findDelivery, listAttempts, listDeliveries } from './webhook-delivery.repository.js'
import { findEndpoint, listEndpoints } from './webhook-endpoint.repository.js'
import {
  CreateEndpointBody,
  EndpointWithSecret,
  ListDeliveriesQuery,
  ListEventsQuery,
  RotateSecretBody,
  UpdateEndpointBody,
} from './webhook.schemas.js'
import { toWebhookDeliveryView, toWebhookEndpointView } from './webhook.view.js'

const tags = ['webhooks']
const Endpoint = Type.Ref('WebhookEndpoint')
const Delivery = Type.Ref('WebhookDelivery')
const Event = Type.Ref('Event')
const ListQuery = Type.Object({ ...PageQuery }, { additionalProperties: false })

/**
 * Admin webhook routes under /v1/admin: endpoints (`/webhooks`, create / list / show / update /
 * delete / rotate-secret / test), deliveries with their log and resend
 * (`/webhooks/deliveries`), and the event stream (`/events`). Scopes `webhooks:read|write`;
 * events need `audit:read`.
 *
 * @example
 * ```ts
 * await admin.register(webhookRoutes)
 * ```
 */
export const webhookRoutes: FastifyPluginAsyncTypebox = (app) => {
  const { db } = app.tollgate
  const deps = app.webhooks.endpointDeps
  const read = requireScope('webhooks:read')
  const write = requireScope('webhooks:write')

  app.post(
    '/webhooks',
    {
      schema: {
        tags,
        querystring: EmptyQuery,
        body: CreateEndpointBody,
        response: { 201: EndpointWithSecret, ...errorResponses },
      },
      preHandler: write,
    },
    async (req, reply) => {
      const { endpoint, secret } = await db
        .transaction()
        .execute((trx) =>
          createEndpoint(trx, req.auth.tenantId, req.body, actorFromRequest(req), deps),
        )
      return reply.code(201).send({ endpoint: toWebhookEndpointView(endpoint), secret })
    },
  )

  app.get(
    '/webhooks',
    {
      schema: {
        tags,
        querystring: ListQuery,
        response: { 200: PageOf(Endpoint), ...errorResponses },
      },
      preHandler: read,
    },
    async (req) => {
      const limit = req.query.limit ?? 50
      const rows = await listEndpoints(db, req.auth.tenantId, {
        limit,
        after: decodeCursor(req.query.cursor),
      })
      return toPage(rows, limit, toWebhookEndpointView)
    },
  )

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

  app.get(
    '/webhooks/:id',
    {
      schema: {
        tags,
        params: IdParams,
        querystring: EmptyQuery,
        response: { 200: Endpoint, ...errorResponses },
      },
      preHandler: read,
    },
    async (req) => {
      const row = await findEndpoint(db, req.auth.tenantId, req.params.id)
      if (!row) throw new AppError('NOT_FOUND', `No webhook endpoint ${req.params.id}`)
      return toWebhookEndpointView(row)
    },
  )

  app.patch(
    '/webhooks/:id',
    {
      schema: {
        tags,
        params: IdParams,
        querystring: EmptyQuery,
        body: UpdateEndpointBody,
        response: { 200: Endpoint, ...errorResponses },
      },
      preHandler: write,
    },
    async (req) => {
      const row = await db
        .transaction()
        .execute((trx) =>
          changeEndpoint(
            trx,
            req.auth.tenantId,
            req.params.id,
            req.body,
            actorFromRequest(req),
            deps,
          ),
        )
      return toWebhookEndpointView(row)
    },
  )

  app.delete(
    '/webhooks/:id',
    {
      schema: {
        tags,
        params: IdParams,
        querystring: EmptyQuery,
        response: { 204: Type.Null(), ...errorResponses },
      },
      preHandler: write,
    },
    async (req, reply) => {
      await db
        .transaction()
        .execute((trx) =>
          removeEndpoint(trx, req.auth.tenantId, req.params.id, actorFromRequest(req), deps),
        )
      return reply.code(204).send(null)
    },
  )

  app.post(
    '/webhooks/:id/rotate-secret',
    {
      schema: {
        tags,
        params: IdParams,
        querystring: EmptyQuery,
        body: RotateSecretBody,
        response: { 200: EndpointWithSecret, ...errorResponses },
      },
      preHandler: write,
    },
    async (req) => {
      const overlap = req.body?.overlapSeconds
      const { endpoint, secret } = await db
        .transaction()
        .execute((trx) =>
          rotateEndpointSecret(
            trx,
            req.auth.tenantId,
            req.params.id,
            { overlapMs: overlap === undefined ? undefined : overlap * 1000 },
            actorFromRequest(req),
            deps,
          ),
        )
      return { endpoint: toWebhookEndpointView(endpoint), secret }
    },
  )

  app.post(
    '/webhooks/:id/test',
    {
      schema: {
        tags,
        params: IdParams,
        querystring: EmptyQuery,
        body: Type.Union([Type.Object({}, { additionalProperties: false }), Type.Null()]),
        response: { 202: Type.Object({ eventId: Type.String() }), ...errorResponses },
      },
      preHandler: write,
    },
    async (req, reply) => {
      const eventId = await db
        .transaction()
        .execute((trx) => sendTestEvent(trx, req.auth.tenantId, req.params.id, deps))
      return reply.code(202).send({ eventId })
    },
  )

  app.get(
    '/events',
    {
      schema: {
        tags,
        querystring: ListEventsQuery,
        response: { 200: PageOf(Event), ...errorResponses },
      },
      preHandler: requireScope('audit:read'),
    },
    async (req) => {
      const limit = req.query.limit ?? 50
      const rows = await listEvents(db, req.auth.tenantId, {
        limit,
        after: decodeCursor(req.query.cursor),
        type: req.query.type,
        licenseId: req.query.licenseId,
      })
      return toPage(rows, limit, toEventView)
    },
  )

  app.get(
    '/events/:id',
    {
      schema: {
        tags,
        params: IdParams,
        querystring: EmptyQuery,
        response: { 200: Event, ...errorResponses },
      },
      preHandler: requireScope('audit:read'),
    },
    async (req) => {
      const row = await findEvent(db, req.auth.tenantId, req.params.id)
      if (!row) throw new AppError('NOT_FOUND', `No event ${req.params.id}`)
      return toEventView(row)
    },
  )
  return Promise.resolve()
}
