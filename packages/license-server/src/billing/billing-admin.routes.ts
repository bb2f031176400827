import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { actorFromRequest, requireScope } from '../auth/admin-auth.js'
import { AppError } from '../errors/app-error.js'
import { decodeCursor, toPage } from '../lib/pagination.js'
import { PageOf, errorResponses } from '../lib/schemas.js'
import { findEvent, listEvents } from './billing-event.repository.js'
import { toBillingEventView } from './billing-event.view.js'
import { BillingEventParams, ListBillingEventsQuery } from './billing.schemas.js'
import { retryBillingEvent } from './retry-billing-event.js'

const tags = ['billing']
const BillingEvent = Type.Ref('BillingEvent')

/**
 * Admin billing routes under /v1/admin: `GET /billing/events?status=&type=` (billing:read),
 * `GET /billing/events/:id` (with the payload), `POST /billing/events/:id/retry`
 * (billing:write; only `failed` events, 409 BILLING_EVENT_NOT_RETRYABLE otherwise).
 *
 * @example
 * ```ts
 * await admin.register(billingAdminRoutes)
 * ```
 */
export const billingAdminRoutes: FastifyPluginAsyncTypebox = (app) => {
  const { db } = app.tollgate

  app.get(
    '/billing/events',
    {
      schema: {
        tags,
        querystring: ListBillingEventsQuery,
        response: { 200: PageOf(BillingEvent), ...errorResponses },
      },
      preHandler: requireScope('billing:read'),
    },
    async (req) => {
      const limit = req.query.limit ?? 50
      const rows = await listEvents(db, req.auth.tenantId, {
        limit,
        after: decodeCursor(req.query.cursor),
        status: req.query.status,
        type: req.query.type,
      })
      return toPage(rows, limit, (r) => toBillingEventView(r))
    },
  )

  app.get(
    '/billing/events/:id',
    {
      schema: {
        tags,
        params: BillingEventParams,
        response: { 200: BillingEvent, ...errorResponses },
      },
      preHandler: requireScope('billing:read'),
    },
    async (req) => {
      const row = await findEvent(db, req.auth.tenantId, req.params.id)
      if (!row) throw new AppError('NOT_FOUND', `No billing event ${req.params.id}`)
      return toBillingEventView(row, true)
    },
  )

  app.post(
    '/billing/events/:id/retry',
    {
      schema: {
        tags,
        params: BillingEventParams,
        response: { 200: BillingEvent, ...errorResponses },
      },
      preHandler: requireScope('billing:write'),
    },
    async (req) =>
      toBillingEventView(
        await retryBillingEvent(
          db,
          req.auth.tenantId,
          req.params.id,
          actorFromRequest(req),
          app.billing.deps,
        ),
      ),
  )
  return Promise.resolve()
}
