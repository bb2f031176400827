import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { actorFromRequest, requireScope } from '../auth/admin-auth.js'
import { AppError } from '../errors/app-error.js'
import { IdParams, errorResponses } from '../lib/schemas.js'
import { findLicense } from '../licenses/license.repository.js'
import { namedUserCounter } from './named-user-metrics.js'
import { listLicenseUsers } from './named-user.repository.js'
import {
  LicenseUserSchema,
  ListLicenseUsersQuery,
  NamedUserResult,
  ReleaseUserBody,
} from './named-user.schemas.js'
import { maxUsersOf, toLicenseUserView } from './named-user.view.js'
import { releaseUser } from './release-user.js'

const tags = ['named-users']

/**
 * Named users of a license under /v1/admin: `GET /licenses/:id/users` (licenses:read; a page
 * ordered by hash, `after` = the last hash) and `POST /licenses/:id/users/release`
 * (licenses:write; staff free a seat).
 *
 * @example
 * ```ts
 * admin.register(namedUserAdminRoutes)
 * ```
 */
export const namedUserAdminRoutes: FastifyPluginCallbackTypebox = (app, _opts, done) => {
  const ctx = app.tollgate
  const counter = namedUserCounter(ctx.metrics.registry)

  app.get(
    '/licenses/:id/users',
    {
      schema: {
        tags,
        params: IdParams,
        querystring: ListLicenseUsersQuery,
        response: {
          200: Type.Object({
            items: Type.Array(LicenseUserSchema),
            used: Type.Integer(),
            max: Type.Integer(),
            next: Type.Union([Type.String(), Type.Null()]),
          }),
          ...errorResponses,
        },
      },
      preHandler: requireScope('licenses:read'),
    },
    async (req) => {
      const tenantId = req.auth.tenantId
      const license = await findLicense(ctx.db, tenantId, req.params.id)
      if (!license) throw new AppError('NOT_FOUND', `No license ${req.params.id}`)
      const limit = req.query.limit ?? 50
      const rows = await listLicenseUsers(ctx.db, tenantId, license.id, {
        limit,
        after: req.query.after,
      })
      const items = rows.slice(0, limit)
      const used = await ctx.db
        .selectFrom('license_users')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('license_id', '=', license.id)
        .executeTakeFirstOrThrow()
      return {
        items: items.map(toLicenseUserView),
        used: Number(used.n),
        max: maxUsersOf(license.limits),
        next: rows.length > limit ? items[items.length - 1]!.user_hash : null,
      }
    },
  )

  app.post(
    '/licenses/:id/users/release',
    {
      schema: {
        tags,
        params: IdParams,
        body: ReleaseUserBody,
        response: { 200: NamedUserResult, ...errorResponses },
      },
      preHandler: requireScope('licenses:write'),
    },
    async (req) => {
      const r = await releaseUser(ctx.db, {
        tenantId: req.auth.tenantId,
        licenseId: req.params.id,
        userHash: req.body.userHash,
        now: ctx.now(),
        actor: actorFromRequest(req),
      })
      if (r.released) counter.inc({ outcome: 'released' })
      return r
    },
  )
  done()
}
