import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { EmptyQuery, errorResponses } from '../lib/schemas.js'
import { toLicenseView } from '../licenses/license.view.js'
import { confirmTrialCode } from './confirm-trial-code.js'
import { requestTrialCode } from './request-trial-code.js'
import { trialCounter } from './trial-metrics.js'
import { TrialConfirmBody, TrialRequestBody, TrialWithToken } from './trial.schemas.js'
import { toTrialView } from './trial.view.js'

const tags = ['trials']

/**
 * Self-service trials under /v1 for the tenant checkout sells for (off unless the vendor named
 * a trial plan): `POST /trials/request` emails a code (always 202, the same for every address),
 * `POST /trials/confirm` trades it for a trial license key. Limited per IP by the public scope
 * and per email by the code policy; callable cross-origin from CORS_ORIGINS.
 *
 * @example
 * ```ts
 * pub.register(trialPublicRoutes)
 * ```
 */
export const trialPublicRoutes: FastifyPluginCallbackTypebox = (app, _opts, done) => {
  const ctx = app.tollgate
  const counter = trialCounter(ctx.metrics.registry)

  app.post(
    '/trials/request',
    {
      schema: {
        tags,
        querystring: EmptyQuery,
        body: TrialRequestBody,
        response: { 202: Type.Object({ ok: Type.Boolean() }), ...errorResponses },
      },
    },
    async (req, reply) => {
      await requestTrialCode(ctx.db, {
        tenantId: app.billing.tenantId,
        email: req.body.email,
        now: ctx.now(),
      })
      return reply.code(202).send({ ok: true })
    },
  )

  app.post(
    '/trials/confirm',
    {
      schema: {
        tags,
        querystring: EmptyQuery,
        body: TrialConfirmBody,
        response: { 201: TrialWithToken, ...errorResponses },
      },
    },
    async (req, reply) => {
      const r = await confirmTrialCode(
        ctx.db,
        {
          tenantId: app.billing.tenantId,
          email: req.body.email,
          code: req.body.code,
          actor: { actor: 'trial:self_service', requestId: req.id, ip: req.ip },
        },
        ctx,
      )
      counter.inc({ event: 'self_service_issued' })
      return reply.code(201).send({
        trial: toTrialView(r.trial),
        license: toLicenseView(r.license),
        token: r.token,
      })
    },
  )
  for (const url of ['/trials/request', '/trials/confirm']) {
    app.options(url, { schema: { hide: true } }, (_req, reply) => reply.code(204).send())
  }
  done()
}
