import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { actorFromRequest, requireScope } from '../auth/admin-auth.js'
import { decodeCursor, toPage } from '../lib/pagination.js'
import { IdParams, PageOf, errorResponses } from '../lib/schemas.js'
import { listMessages } from './outbox.repository.js'
import { retryOutboxMessage } from './retry-message.js'
import { ListOutboxQuery, toOutboxMessageView } from './outbox.view.js'

const tags = ['billing']
const OutboxMessage = Type.Ref('OutboxMessage')

/**
 * Admin outbox routes under /v1/admin: `GET /outbox?status=pending|sent|failed` (billing:read;
 * bodies are never returned, they hold license keys) and `POST /outbox/:id/retry`
 * (billing:write; re-queues a message that gave up).
 *
 * @example
 * ```ts
 * await admin.register(outboxRoutes)
 * ```
 */
export const outboxRoutes: FastifyPluginAsyncTypebox = (app) => {
  const { db, now } = app.tollgate

  app.get(
    '/outbox',
    {
      schema: {
        tags,
        querystring: ListOutboxQuery,
        response: { 200: PageOf(OutboxMessage), ...errorResponses },
      },
      preHandler: requireScope('billing:read'),
    },
    async (req) => {
      const limit = req.query.limit ?? 50
      const rows = await listMessages(db, req.auth.tenantId, {
        limit,
        after: decodeCursor(req.query.cursor),
        status: req.query.status,
      })
      return toPage(rows, limit, toOutboxMessageView)
    },
  )

  app.post(
    '/outbox/:id/retry',
    {
      schema: { tags, params: IdParams, response: { 200: OutboxMessage, ...errorResponses } },
      preHandler: requireScope('billing:write'),
    },
    async (req) => {
      const row = await db
        .transaction()
        .execute((trx) =>
          retryOutboxMessage(trx, req.auth.tenantId, req.params.id, actorFromRequest(req), now()),
        )
      return toOutboxMessageView(row)
    },
  )
  return Promise.resolve()
}
