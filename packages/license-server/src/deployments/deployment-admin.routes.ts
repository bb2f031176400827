import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { actorFromRequest, requireScope } from '../auth/admin-auth.js'
import { AppError } from '../errors/app-error.js'
import { findLicense } from '../licenses/license.repository.js'
import { decodeCursor, toPage } from '../lib/pagination.js'
import { errorResponses, IdParams, PageOf } from '../lib/schemas.js'
import { deactivateByAdmin } from './deactivate-deployment.js'
import { listDeployments } from './deployment.repository.js'
import { DeactivateResponse, ListDeploymentsQuery } from './deployment.schemas.js'
import { toDeploymentView } from './deployment.view.js'
import type { Fleet } from './fleet.js'

const tags = ['fleet']

/**
 * Admin deployment routes: `GET /v1/admin/licenses/:id/deployments` (fleet:read) lists a
 * license's deployments with last seen (including heartbeats not yet flushed), version and
 * address; `POST /v1/admin/deployments/:id/deactivate` (fleet:write, audited) frees a seat.
 *
 * @example
 * ```ts
 * admin.register(deploymentAdminRoutes, { fleet })
 * ```
 */
export const deploymentAdminRoutes: FastifyPluginCallbackTypebox<{ fleet: Fleet }> = (
  app,
  { fleet },
  done,
) => {
  const { db } = app.tollgate

  app.get(
    '/licenses/:id/deployments',
    {
      schema: {
        tags,
        params: IdParams,
        querystring: ListDeploymentsQuery,
        response: { 200: PageOf(Type.Ref('Deployment')), ...errorResponses },
      },
      preHandler: requireScope('fleet:read'),
    },
    async (req) => {
      const { tenantId } = req.auth
      const license = await findLicense(db, tenantId, req.params.id)
      if (!license) throw new AppError('NOT_FOUND', `No license ${req.params.id}`)
      const limit = req.query.limit ?? 50
      const rows = await listDeployments(db, tenantId, license.id, {
        limit,
        after: decodeCursor(req.query.cursor),
        status: req.query.status,
      })
      return toPage(rows, limit, (r) => toDeploymentView(r, fleet.coalescer.pendingSeenAt(r.id)))
    },
  )

  app.post(
    '/deployments/:id/deactivate',
    {
      schema: {
        tags,
        params: IdParams,
        response: { 200: DeactivateResponse, ...errorResponses },
      },
      preHandler: requireScope('fleet:write'),
    },
    async (req) => {
      const r = await deactivateByAdmin(
        db,
        req.auth.tenantId,
        req.params.id,
        actorFromRequest(req),
        fleet.now(),
      )
      return {
        deactivated: r.deactivated,
        deployment: toDeploymentView(r.deployment, fleet.coalescer.pendingSeenAt(r.deployment.id)),
      }
    },
  )
  done()
}
