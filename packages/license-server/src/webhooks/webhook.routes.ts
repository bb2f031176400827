import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { actorFromRequest, requireScope } from '../auth/admin-auth.js'
import { AppError } from '../errors/app-error.js'
import { decodeCursor, toPage } from '../lib/pagination.js'
import { EmptyQuery, IdParams, PageOf, PageQuery, errorResponses } from '../lib/schemas.js'
import {
  changeEndpoint,
  createEndpoint,
  removeEndpoint,
  rotateEndpointSecret,
} from './manage-endpoints.js'
import { sendTestEvent } from './send-test-event.js'
import { webhookDeliveryRoutes } from './webhook-delivery.routes.js'
import { findEndpoint, listEndpoints } from './webhook-endpoint.repository.js'
import {
  CreateEndpointBody,
  EndpointWithSecret,
  RotateSecretBody,
  UpdateEndpointBody,
} from './webhook.schemas.js'
import { webhookEventRoutes } from './webhook-event.routes.js'
import { toWebhookEndpointView } from './webhook.view.js'

const tags = ['webhooks']
const Endpoint = Type.Ref('WebhookEndpoint')
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
export const webhookRoutes: FastifyPluginAsyncTypebox = async (app) => {
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

  await app.register(webhookDeliveryRoutes)
  await app.register(webhookEventRoutes)
}
