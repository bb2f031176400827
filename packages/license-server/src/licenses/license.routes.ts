import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { actorFromRequest, requireScope } from '../auth/admin-auth.js'
import { AppError } from '../errors/app-error.js'
import { decodeCursor, toPage } from '../lib/pagination.js'
import { EmptyQuery, IdParams, PageOf, errorResponses } from '../lib/schemas.js'
import { queueLicenseDelivery } from '../billing/deliver-license.js'
import { issueLicense } from './issue-license.js'
import { findLicense, listLicenses } from './license.repository.js'
import {
  IssueLicenseBody,
  LicenseWithToken,
  ListLicensesQuery,
  OptionalReasonBody,
  ReasonBody,
  RenewBody,
} from './license.schemas.js'
import { toLicenseView } from './license.view.js'
import { reissueToken } from './reissue-token.js'
import { renewLicense } from './renew-license.js'
import { updateLicenseStatus, type LicenseStatusAction } from './update-license-status.js'

const tags = ['licenses']
const License = Type.Ref('License')

/**
 * Licenses under /v1/admin/licenses: issue, list, show, suspend, reinstate, renew, revoke,
 * reissue (scopes licenses:read / licenses:write).
 *
 * @example
 * ```ts
 * admin.register(licenseRoutes)
 * ```
 */
export const licenseRoutes: FastifyPluginCallbackTypebox = (app, _opts, done) => {
  const ctx = app.tollgate
  const { db } = ctx

  app.post(
    '/licenses',
    {
      schema: {
        tags,
        querystring: EmptyQuery,
        body: IssueLicenseBody,
        response: { 201: LicenseWithToken, ...errorResponses },
      },
      preHandler: requireScope('licenses:write'),
    },
    async (req, reply) => {
      const b = req.body
      const { license, token } = await db.transaction().execute(async (trx) => {
        const issued = await issueLicense(
          trx,
          req.auth.tenantId,
          {
            customerId: b.customerId,
            planId: b.planId,
            ...(b.expiresAt === undefined
              ? {}
              : { expiresAt: b.expiresAt === null ? null : new Date(b.expiresAt) }),
            ...(b.entitlements ? { entitlements: b.entitlements } : {}),
            ...(b.limits ? { limits: b.limits } : {}),
            ...(b.policy ? { policy: b.policy } : {}),
            ...(b.deploymentId === undefined ? {} : { deploymentId: b.deploymentId }),
            ...(b.metadata ? { metadata: b.metadata } : {}),
          },
          actorFromRequest(req),
          ctx,
        )
        if (b.email) {
          const queued = await queueLicenseDelivery(trx, issued.license, issued.token, {
            reason: 'issued',
            dedupeKey: `${issued.license.id}:issued`,
            now: ctx.now(),
          })
          if (!queued) throw new AppError('CUSTOMER_HAS_NO_EMAIL')
        }
        return issued
      })
      return reply.code(201).send({ license: toLicenseView(license), token })
    },
  )

  app.get(
    '/licenses',
    {
      schema: {
        tags,
        querystring: ListLicensesQuery,
        response: { 200: PageOf(License), ...errorResponses },
      },
      preHandler: requireScope('licenses:read'),
    },
    async (req) => {
      const q = req.query
      const limit = q.limit ?? 50
      const rows = await listLicenses(db, req.auth.tenantId, {
        limit,
        after: decodeCursor(q.cursor),
        status: q.status,
        customerId: q.customerId,
        planId: q.planId,
      })
      return toPage(rows, limit, toLicenseView)
    },
  )

  app.get(
    '/licenses/:id',
    {
      schema: {
        tags,
        params: IdParams,
        querystring: EmptyQuery,
        response: { 200: License, ...errorResponses },
      },
      preHandler: requireScope('licenses:read'),
    },
    async (req) => {
      const row = await findLicense(db, req.auth.tenantId, req.params.id)
      if (!row) throw new AppError('NOT_FOUND', `No license ${req.params.id}`)
      return toLicenseView(row)
    },
  )

  const statusRoute = (
    action: LicenseStatusAction,
    body: typeof ReasonBody | typeof OptionalReasonBody,
  ) =>
    app.post(
      `/licenses/:id/${action}`,
      {
        schema: { tags, params: IdParams, body, response: { 200: License, ...errorResponses } },
        preHandler: requireScope('licenses:write'),
      },
      async (req) => {
        const reason = (req.body as { reason?: string } | null | undefined)?.reason
        const row = await db
          .transaction()
          .execute((trx) =>
            updateLicenseStatus(
              trx,
              req.auth.tenantId,
              req.params.id,
              action,
              { reason },
              actorFromRequest(req),
              ctx,
            ),
          )
        return toLicenseView(row)
      },
    )
  statusRoute('suspend', ReasonBody)
  statusRoute('reinstate', OptionalReasonBody)
  statusRoute('revoke', ReasonBody)

  app.post(
    '/licenses/:id/renew',
    {
      schema: {
        tags,
        params: IdParams,
        querystring: EmptyQuery,
        body: RenewBody,
        response: { 200: LicenseWithToken, ...errorResponses },
      },
      preHandler: requireScope('licenses:write'),
    },
    async (req) => {
      const expiresAt = req.body.expiresAt === null ? null : new Date(req.body.expiresAt)
      const { license, token } = await db
        .transaction()
        .execute((trx) =>
          renewLicense(
            trx,
            req.auth.tenantId,
            req.params.id,
            expiresAt,
            actorFromRequest(req),
            ctx,
          ),
        )
      return { license: toLicenseView(license), token }
    },
  )

  app.post(
    '/licenses/:id/reissue',
    {
      schema: {
        tags,
        params: IdParams,
        querystring: EmptyQuery,
        body: Type.Union([Type.Object({}, { additionalProperties: false }), Type.Null()]),
        response: { 200: LicenseWithToken, ...errorResponses },
      },
      preHandler: requireScope('licenses:write'),
    },
    async (req) => {
      const { license, token } = await db
        .transaction()
        .execute((trx) =>
          reissueToken(trx, req.auth.tenantId, req.params.id, actorFromRequest(req), ctx),
        )
      return { license: toLicenseView(license), token }
    },
  )
  done()
}
