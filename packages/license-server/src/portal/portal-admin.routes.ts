import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { actorFromRequest, requireScope } from '../auth/admin-auth.js'
import { findCustomer } from '../customers/customer.repository.js'
import { AppError } from '../errors/app-error.js'
import { EmptyQuery, IdParams, errorResponses } from '../lib/schemas.js'
import { findPlan } from '../plans/plan.repository.js'
import { findBranding } from './branding.repository.js'
import { invitePortalUser } from './invite-portal-user.js'
import {
  BrandingSchema,
  InvitePortalUserBody,
  PortalUserSchema,
  SeatResetPolicyBody,
  SeatResetPolicySchema,
  SupportLinkSchema,
} from './portal.schemas.js'
import { listPortalUsers } from './portal-user.repository.js'
import { toPortalUserView } from './portal-user.view.js'
import { requestOrigin } from './request-origin.js'
import { saveSeatResetPolicy, seatResetPolicy } from './seat-reset-policy.js'
import { setBranding, toBranding } from './set-branding.js'
import { createSupportLink } from './support-link.js'
import { recordAudit } from '../audit/record-audit.js'

const tags = ['portal']

/**
 * Admin routes of the customer portal: support links (`POST /customers/:id/portal-link`,
 * portal:write), the people of a customer account (`GET|POST /customers/:id/portal-users`,
 * customers:read|write), branding (`GET|PUT /portal/branding`, portal:read|write) and the
 * seat-reset policy of a plan (`GET|PUT /plans/:id/seat-reset-policy`, plans:read|write).
 *
 * @example
 * ```ts
 * admin.register(portalAdminRoutes)
 * ```
 */
export const portalAdminRoutes: FastifyPluginCallbackTypebox = (app, _opts, done) => {
  const { db, now } = app.tollgate

  app.post(
    '/customers/:id/portal-link',
    {
      schema: {
        tags,
        params: IdParams,
        querystring: EmptyQuery,
        response: { 201: SupportLinkSchema, ...errorResponses },
      },
      preHandler: requireScope('portal:write'),
    },
    async (req, reply) => {
      const link = await createSupportLink(db, {
        tenantId: req.auth.tenantId,
        customerId: req.params.id,
        baseUrl: requestOrigin(req),
        actor: actorFromRequest(req),
        now: now(),
      })
      return reply.code(201).send({ ...link, expiresAt: link.expiresAt.toISOString() })
    },
  )

  app.get(
    '/customers/:id/portal-users',
    {
      schema: {
        tags,
        params: IdParams,
        querystring: EmptyQuery,
        response: { 200: Type.Object({ items: Type.Array(PortalUserSchema) }), ...errorResponses },
      },
      preHandler: requireScope('customers:read'),
    },
    async (req) => {
      const customer = await findCustomer(db, req.auth.tenantId, req.params.id)
      if (!customer) throw new AppError('NOT_FOUND', `No customer ${req.params.id}`)
      const rows = await listPortalUsers(db, req.auth.tenantId, customer.id)
      return { items: rows.map(toPortalUserView) }
    },
  )

  app.post(
    '/customers/:id/portal-users',
    {
      schema: {
        tags,
        params: IdParams,
        querystring: EmptyQuery,
        body: InvitePortalUserBody,
        response: { 201: PortalUserSchema, ...errorResponses },
      },
      preHandler: requireScope('customers:write'),
    },
    async (req, reply) => {
      const row = await invitePortalUser(db, {
        tenantId: req.auth.tenantId,
        customerId: req.params.id,
        email: req.body.email,
        role: req.body.role ?? 'admin',
        loginUrl: `${requestOrigin(req)}/portal/login`,
        actor: actorFromRequest(req),
        now: now(),
      })
      return reply.code(201).send(toPortalUserView(row))
    },
  )

  app.get(
    '/portal/branding',
    {
      schema: {
        tags,
        querystring: EmptyQuery,
        response: { 200: BrandingSchema, ...errorResponses },
      },
      preHandler: requireScope('portal:read'),
    },
    async (req) => toBranding(await findBranding(db, req.auth.tenantId)),
  )

  app.put(
    '/portal/branding',
    {
      schema: {
        tags,
        querystring: EmptyQuery,
        body: BrandingSchema,
        response: { 200: BrandingSchema, ...errorResponses },
      },
      preHandler: requireScope('portal:write'),
    },
    async (req) => setBranding(db, req.auth.tenantId, req.body, actorFromRequest(req), now()),
  )

  app.get(
    '/plans/:id/seat-reset-policy',
    {
      schema: {
        tags,
        params: IdParams,
        querystring: EmptyQuery,
        response: { 200: SeatResetPolicySchema, ...errorResponses },
      },
      preHandler: requireScope('plans:read'),
    },
    async (req) => {
      const plan = await findPlan(db, req.auth.tenantId, req.params.id)
      if (!plan) throw new AppError('NOT_FOUND', `No plan ${req.params.id}`)
      return { planId: plan.id, ...(await seatResetPolicy(db, req.auth.tenantId, plan.id)) }
    },
  )

  app.put(
    '/plans/:id/seat-reset-policy',
    {
      schema: {
        tags,
        params: IdParams,
        querystring: EmptyQuery,
        body: SeatResetPolicyBody,
        response: { 200: SeatResetPolicySchema, ...errorResponses },
      },
      preHandler: requireScope('plans:write'),
    },
    async (req) => {
      const { tenantId } = req.auth
      const at = now()
      return db.transaction().execute(async (trx) => {
        const plan = await findPlan(trx, tenantId, req.params.id)
        if (!plan) throw new AppError('NOT_FOUND', `No plan ${req.params.id}`)
        const before = await seatResetPolicy(trx, tenantId, plan.id)
        await saveSeatResetPolicy(trx, tenantId, plan.id, req.body, at)
        await recordAudit(trx, {
          tenantId,
          actor: actorFromRequest(req),
          action: 'plan.seat_reset_policy.update',
          targetType: 'plan',
          targetId: plan.id,
          before,
          after: req.body,
          at,
        })
        return { planId: plan.id, ...req.body, custom: true }
      })
    },
  )
  done()
}
