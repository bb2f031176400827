import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { actorFromRequest, requireScope } from '../auth/admin-auth.js'
import { recordAudit } from '../audit/record-audit.js'
import { AppError } from '../errors/app-error.js'
import { decodeCursor, toPage } from '../lib/pagination.js'
import { EmptyQuery, IdParams, PageOf, errorResponses } from '../lib/schemas.js'
import { licenseExistsFor } from '../licenses/license.repository.js'
import { deletePlan, findPlan, listPlans } from './plan.repository.js'
import { CreatePlanBody, ListPlansQuery, UpdatePlanBody } from './plan.schemas.js'
import { toPlanView } from './plan.view.js'
import { createPlan, editPlan } from './save-plan.js'

const tags = ['plans']
const Plan = Type.Ref('Plan')

/**
 * Plans CRUD under /v1/admin/plans (scopes plans:read / plans:write).
 *
 * @example
 * ```ts
 * admin.register(planRoutes)
 * ```
 */
export const planRoutes: FastifyPluginCallbackTypebox = (app, _opts, done) => {
  const { db, now } = app.tollgate

  app.get(
    '/plans',
    {
      schema: {
        tags,
        querystring: ListPlansQuery,
        response: { 200: PageOf(Plan), ...errorResponses },
      },
      preHandler: requireScope('plans:read'),
    },
    async (req) => {
      const limit = req.query.limit ?? 50
      const rows = await listPlans(db, req.auth.tenantId, {
        limit,
        after: decodeCursor(req.query.cursor),
        product: req.query.product,
      })
      return toPage(rows, limit, toPlanView)
    },
  )

  app.post(
    '/plans',
    {
      schema: {
        tags,
        querystring: EmptyQuery,
        body: CreatePlanBody,
        response: { 201: Plan, ...errorResponses },
      },
      preHandler: requireScope('plans:write'),
    },
    async (req, reply) => {
      const row = await db
        .transaction()
        .execute((trx) =>
          createPlan(trx, req.auth.tenantId, req.body, actorFromRequest(req), now()),
        )
      return reply.code(201).send(toPlanView(row))
    },
  )

  app.get(
    '/plans/:id',
    {
      schema: {
        tags,
        params: IdParams,
        querystring: EmptyQuery,
        response: { 200: Plan, ...errorResponses },
      },
      preHandler: requireScope('plans:read'),
    },
    async (req) => {
      const row = await findPlan(db, req.auth.tenantId, req.params.id)
      if (!row) throw new AppError('NOT_FOUND', `No plan ${req.params.id}`)
      return toPlanView(row)
    },
  )

  app.patch(
    '/plans/:id',
    {
      schema: {
        tags,
        params: IdParams,
        querystring: EmptyQuery,
        body: UpdatePlanBody,
        response: { 200: Plan, ...errorResponses },
      },
      preHandler: requireScope('plans:write'),
    },
    async (req) => {
      const tenantId = req.auth.tenantId
      const at = now()
      const row = await db
        .transaction()
        .execute((trx) =>
          editPlan(trx, tenantId, req.params.id, req.body, actorFromRequest(req), at),
        )
      return toPlanView(row)
    },
  )

  app.delete(
    '/plans/:id',
    {
      schema: {
        tags,
        params: IdParams,
        querystring: EmptyQuery,
        response: { 204: Type.Null(), ...errorResponses },
      },
      preHandler: requireScope('plans:write'),
    },
    async (req, reply) => {
      const tenantId = req.auth.tenantId
      await db.transaction().execute(async (trx) => {
        const before = await findPlan(trx, tenantId, req.params.id)
        if (!before) throw new AppError('NOT_FOUND', `No plan ${req.params.id}`)
        if (await licenseExistsFor(trx, tenantId, { planId: before.id })) {
          throw new AppError('PLAN_IN_USE')
        }
        await deletePlan(trx, tenantId, before.id)
        await recordAudit(trx, {
          tenantId,
          actor: actorFromRequest(req),
          action: 'plan.delete',
          targetType: 'plan',
          targetId: before.id,
          before: toPlanView(before),
          at: now(),
        })
      })
      return reply.code(204).send(null)
    },
  )
  done()
}
