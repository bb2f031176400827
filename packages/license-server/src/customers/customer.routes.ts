import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { actorFromRequest, requireScope } from '../auth/admin-auth.js'
import { recordAudit } from '../audit/record-audit.js'
import { AppError } from '../errors/app-error.js'
import { decodeCursor, toPage } from '../lib/pagination.js'
import { EmptyQuery, IdParams, PageOf, errorResponses } from '../lib/schemas.js'
import { licenseExistsFor } from '../licenses/license.repository.js'
import { deleteCustomer, findCustomer, listCustomers } from './customer.repository.js'
import { CreateCustomerBody, ListCustomersQuery, UpdateCustomerBody } from './customer.schemas.js'
import { toCustomerView } from './customer.view.js'
import { createCustomer } from './create-customer.js'
import { editCustomer } from './edit-customer.js'

const tags = ['customers']
const Customer = Type.Ref('Customer')

/**
 * Customers CRUD under /v1/admin/customers (scopes customers:read / customers:write).
 *
 * @example
 * ```ts
 * admin.register(customerRoutes)
 * ```
 */
export const customerRoutes: FastifyPluginCallbackTypebox = (app, _opts, done) => {
  const { db, now } = app.tollgate

  app.get(
    '/customers',
    {
      schema: {
        tags,
        querystring: ListCustomersQuery,
        response: { 200: PageOf(Customer), ...errorResponses },
      },
      preHandler: requireScope('customers:read'),
    },
    async (req) => {
      const limit = req.query.limit ?? 50
      const rows = await listCustomers(db, req.auth.tenantId, {
        limit,
        after: decodeCursor(req.query.cursor),
        email: req.query.email,
      })
      return toPage(rows, limit, toCustomerView)
    },
  )

  app.post(
    '/customers',
    {
      schema: {
        tags,
        querystring: EmptyQuery,
        body: CreateCustomerBody,
        response: { 201: Customer, ...errorResponses },
      },
      preHandler: requireScope('customers:write'),
    },
    async (req, reply) => {
      const row = await db
        .transaction()
        .execute((trx) =>
          createCustomer(trx, req.auth.tenantId, req.body, actorFromRequest(req), now()),
        )
      return reply.code(201).send(toCustomerView(row))
    },
  )

  app.get(
    '/customers/:id',
    {
      schema: {
        tags,
        params: IdParams,
        querystring: EmptyQuery,
        response: { 200: Customer, ...errorResponses },
      },
      preHandler: requireScope('customers:read'),
    },
    async (req) => {
      const row = await findCustomer(db, req.auth.tenantId, req.params.id)
      if (!row) throw new AppError('NOT_FOUND', `No customer ${req.params.id}`)
      return toCustomerView(row)
    },
  )

  app.patch(
    '/customers/:id',
    {
      schema: {
        tags,
        params: IdParams,
        querystring: EmptyQuery,
        body: UpdateCustomerBody,
        response: { 200: Customer, ...errorResponses },
      },
      preHandler: requireScope('customers:write'),
    },
    async (req) => {
      const tenantId = req.auth.tenantId
      const at = now()
      const row = await db
        .transaction()
        .execute((trx) =>
          editCustomer(trx, tenantId, req.params.id, req.body, actorFromRequest(req), at),
        )
      return toCustomerView(row)
    },
  )

  app.delete(
    '/customers/:id',
    {
      schema: {
        tags,
        params: IdParams,
        querystring: EmptyQuery,
        response: { 204: Type.Null(), ...errorResponses },
      },
      preHandler: requireScope('customers:write'),
    },
    async (req, reply) => {
      const tenantId = req.auth.tenantId
      await db.transaction().execute(async (trx) => {
        const before = await findCustomer(trx, tenantId, req.params.id)
        if (!before) throw new AppError('NOT_FOUND', `No customer ${req.params.id}`)
        if (await licenseExistsFor(trx, tenantId, { customerId: before.id })) {
          throw new AppError('CUSTOMER_HAS_LICENSES')
        }
        await deleteCustomer(trx, tenantId, before.id)
        await recordAudit(trx, {
          tenantId,
          actor: actorFromRequest(req),
          action: 'customer.delete',
          targetType: 'customer',
          targetId: before.id,
          before: toCustomerView(before),
          at: now(),
        })
      })
      return reply.code(204).send(null)
    },
  )
  done()
}
