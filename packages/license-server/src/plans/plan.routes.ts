import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { actorFromRequest, requireScope } from '../auth/admin-auth.js'
import { recordAudit } from '../audit/record-audit.js'
import { AppError } from '../errors/app-error.js'
import { newId } from '../lib/ids.js'
import { decodeCursor, toPage } from '../lib/pagination.js'
import { EmptyQuery, IdParams, PageOf, errorResponses } from '../lib/schemas.js'
import { licenseExistsFor } from '../licenses/license.repository.js'
import { deletePlan, findPlan, insertPlan, listPlans, updatePlan } from './plan.repository.js'
import { CreatePlanBody, ListPlansQuery, UpdatePlanBody } from './plan.schemas.js'
import type { PlanRow } from './plan.table.js'
import { toPlanView } from './plan.view.js'

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
      const at = now()
      const b = req.body
      const row: PlanRow = {
        id: newId('pln'),
        tenant_id: req.auth.tenantId,
        name: b.name,
        product: b.product,
        tier: b.tier,
        entitlements: b.entitlements,
        limits: b.limits ?? {},
        policy: b.policy,
        duration_days: b.durationDays ?? null,
        stripe_price_id: b.stripePriceId ?? null,
        past_due_grace_days: b.pastDueGraceDays ?? 7,
        cancel_behavior: b.cancelBehavior ?? 'revoke',
        reminder_days: b.reminderDays ?? null,
        public: b.public ?? false,
        downgrade_plan_id: b.downgradePlanId ?? null,
        purchase_mode: b.purchaseMode ?? 'subscription',
        trial_days: b.trialDays ?? null,
        created_at: at,
        updated_at: at,
      }
      await db.transaction().execute(async (trx) => {
        await insertPlan(trx, row)
        await recordAudit(trx, {
          tenantId: row.tenant_id,
          actor: actorFromRequest(req),
          action: 'plan.create',
          targetType: 'plan',
          targetId: row.id,
          after: toPlanView(row),
          at,
        })
      })
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
      return db.transaction().execute(async (trx) => {
        const before = await findPlan(trx, tenantId, req.params.id)
        if (!before) throw new AppError('NOT_FOUND', `No plan ${req.params.id}`)
        const after = (await updatePlan(trx, tenantId, req.params.id, req.body, at))!
        await recordAudit(trx, {
          tenantId,
          actor: actorFromRequest(req),
          action: 'plan.update',
          targetType: 'plan',
          targetId: after.id,
          before: toPlanView(before),
          after: toPlanView(after),
          at,
        })
        return toPlanView(after)
      })
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
