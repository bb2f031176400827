import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { requireScope } from '../auth/admin-auth.js'
import { AppError } from '../errors/app-error.js'
import { findEvent, listEvents } from '../events/event.repository.js'
import { toEventView } from '../events/event.view.js'
import { decodeCursor, toPage } from '../lib/pagination.js'
import { EmptyQuery, IdParams, PageOf, errorResponses } from '../lib/schemas.js'
import { ListEventsQuery } from './webhook.schemas.js'

const tags = ['webhooks']
const Event = Type.Ref('Event')

/**
 * The event stream under /v1/admin (registered by `webhookRoutes`): `/events` and
 * `/events/:id`, scope `audit:read`.
 *
 * @example
 * ```ts
 * await app.register(webhookEventRoutes)
 * ```
 */
export const webhookEventRoutes: FastifyPluginAsyncTypebox = (app) => {
  const { db } = app.tollgate

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
