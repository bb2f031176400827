import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox'
import { actorFromRequest, requireScope } from '../auth/admin-auth.js'
import { recordAudit } from '../audit/record-audit.js'
import { queueLicenseDelivery } from '../billing/deliver-license.js'
import { AppError } from '../errors/app-error.js'
import { EmptyQuery, errorResponses } from '../lib/schemas.js'
import { toLicenseView } from '../licenses/license.view.js'
import { findPlan } from '../plans/plan.repository.js'
import { issueTrial } from './issue-trial.js'
import { trialCounter } from './trial-metrics.js'
import { saveSelfServicePlan, selfServicePlanId } from './trial.repository.js'
import {
  IssueTrialBody,
  ListTrialsQuery,
  TrialListResponse,
  TrialSettings,
  TrialWithToken,
} from './trial.schemas.js'
import { listTrials } from './list-trials.js'
import { toTrialView } from './trial.view.js'

const tags = ['trials']

/**
 * Trials under /v1/admin: `POST /trials` issues a trial license (staff; licenses:write),
 * `GET /trials` lists them (licenses:read; `status`, `customerId`, keyset `before`), and
 * `GET|PUT /trials/settings` read and set the self-service trial plan (plans:read/write).
 *
 * @example
 * ```ts
 * admin.register(trialAdminRoutes)
 * ```
 */
export const trialAdminRoutes: FastifyPluginCallbackTypebox = (app, _opts, done) => {
  const ctx = app.tollgate
  const counter = trialCounter(ctx.metrics.registry)

  app.post(
    '/trials',
    {
      schema: {
        tags,
        querystring: EmptyQuery,
        body: IssueTrialBody,
        response: { 201: TrialWithToken, ...errorResponses },
      },
      preHandler: requireScope('licenses:write'),
    },
    async (req, reply) => {
      const b = req.body
      const r = await ctx.db.transaction().execute(async (trx) => {
        const issued = await issueTrial(
          trx,
          req.auth.tenantId,
          {
            planId: b.planId,
            email: b.email,
            customerId: b.customerId,
            name: b.name,
            source: 'staff',
          },
          actorFromRequest(req),
          ctx,
        )
        if (b.deliver) {
          const queued = await queueLicenseDelivery(trx, issued.license, issued.token, {
            reason: 'issued',
            dedupeKey: `${issued.license.id}:issued`,
            now: ctx.now(),
          })
          if (!queued) throw new AppError('CUSTOMER_HAS_NO_EMAIL')
        }
        return issued
      })
      counter.inc({ event: 'issued' })
      return reply.code(201).send({
        trial: toTrialView(r.trial),
        license: toLicenseView(r.license),
        token: r.token,
      })
    },
  )

  app.get(
    '/trials',
    {
      schema: {
        tags,
        querystring: ListTrialsQuery,
        response: { 200: TrialListResponse, ...errorResponses },
      },
      preHandler: requireScope('licenses:read'),
    },
    async (req) => {
      const q = req.query
      return listTrials(ctx.db, req.auth.tenantId, { ...q, limit: q.limit ?? 50 }, ctx.now())
    },
  )

  app.get(
    '/trials/settings',
    {
      schema: {
        tags,
        querystring: EmptyQuery,
        response: { 200: TrialSettings, ...errorResponses },
      },
      preHandler: requireScope('plans:read'),
    },
    async (req) => ({
      selfServicePlanId: (await selfServicePlanId(ctx.db, req.auth.tenantId)) ?? null,
    }),
  )

  app.put(
    '/trials/settings',
    {
      schema: {
        tags,
        querystring: EmptyQuery,
        body: TrialSettings,
        response: { 200: TrialSettings, ...errorResponses },
      },
      preHandler: requireScope('plans:write'),
    },
    async (req) => {
      const tenantId = req.auth.tenantId
      const planId = req.body.selfServicePlanId
      const at = ctx.now()
      await ctx.db.transaction().execute(async (trx) => {
        if (planId !== null) {
          const plan = await findPlan(trx, tenantId, planId)
          if (!plan) throw new AppError('NOT_FOUND', `No plan ${planId}`)
          if (plan.trial_days === null) throw new AppError('NOT_A_TRIAL_PLAN')
        }
        const before = (await selfServicePlanId(trx, tenantId)) ?? null
        await saveSelfServicePlan(trx, tenantId, planId, at)
        await recordAudit(trx, {
          tenantId,
          actor: actorFromRequest(req),
          action: 'trial.settings',
          targetType: 'tenant',
          targetId: tenantId,
          before: { selfServicePlanId: before },
          after: { selfServicePlanId: planId },
          at,
        })
      })
      return { selfServicePlanId: planId }
    },
  )
  done()
}
