import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox'
import { actorFromRequest, requireScope } from '../auth/admin-auth.js'
import type { Fleet } from '../deployments/fleet.js'
import { AppError } from '../errors/app-error.js'
import { findLicense } from '../licenses/license.repository.js'
import { EmptyQuery, errorResponses, IdParams } from '../lib/schemas.js'
import { releaseSeat } from './release-seat.js'
import { countHeldLeases, listHeldLeases } from './seat-lease.repository.js'
import { poolHold } from '../seat-pools/pool-hold.js'
import { SeatLeaseSchema, SeatListResponse, SeatParams } from './seat.schemas.js'
import { toSeatLeaseView } from './seat.view.js'

const tags = ['seats']
const MAX_LISTED = 1000

/**
 * Admin floating-seat routes: `GET /v1/admin/licenses/:id/seats` (fleet:read) lists the held
 * (unexpired) seat leases with the counts and the unexpired relay pools holding seats; `DELETE /v1/admin/licenses/:id/seats/:leaseId`
 * (fleet:write, audited `seat.release`) frees one.
 *
 * @example
 * ```ts
 * admin.register(seatAdminRoutes, { fleet })
 * ```
 */
export const seatAdminRoutes: FastifyPluginCallbackTypebox<{ fleet: Fleet }> = (
  app,
  { fleet },
  done,
) => {
  const { db } = app.tollgate

  app.get(
    '/licenses/:id/seats',
    {
      schema: {
        tags,
        params: IdParams,
        querystring: EmptyQuery,
        response: { 200: SeatListResponse, ...errorResponses },
      },
      preHandler: requireScope('fleet:read'),
    },
    async (req) => {
      const license = await findLicense(db, req.auth.tenantId, req.params.id)
      if (!license) throw new AppError('NOT_FOUND', `No license ${req.params.id}`)
      const floating = license.policy.floating
      if (!floating) throw new AppError('FLOATING_NOT_ENABLED')
      const now = fleet.now()
      const rows = await listHeldLeases(db, license.tenant_id, license.id, now, MAX_LISTED)
      const used = await countHeldLeases(db, license.id, now)
      const { pools, ...hold } = await poolHold(db, license.tenant_id, license.id, floating, now)
      return { data: rows.map(toSeatLeaseView), seats: { used, ...hold }, pools }
    },
  )

  app.delete(
    '/licenses/:id/seats/:leaseId',
    {
      schema: {
        tags,
        params: SeatParams,
        querystring: EmptyQuery,
        response: { 200: SeatLeaseSchema, ...errorResponses },
      },
      preHandler: requireScope('fleet:write'),
    },
    async (req) =>
      releaseSeat(db, {
        tenantId: req.auth.tenantId,
        licenseId: req.params.id,
        leaseId: req.params.leaseId,
        actor: actorFromRequest(req),
        now: fleet.now(),
      }),
  )
  done()
}
