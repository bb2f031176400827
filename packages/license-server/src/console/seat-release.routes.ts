import type { FastifyInstance } from 'fastify'
import { releaseSeat } from '../seats/release-seat.js'
import { FormReader } from '../web/form-reader.js'
import { PageError } from '../web/page-error.js'
import { sendPage } from '../web/web-scope.js'
import { actorOf, requireStaffScope } from './console-context.js'
import { licenseDetailPage } from './license-detail.js'

const LEASE_ID = /^[A-Za-z0-9_-]{1,80}$/

/**
 * `POST /console/licenses/:id/seats/:leaseId/release`: frees a held floating seat through the
 * admin API's `releaseSeat` (same scope, fleet:write; audited `seat.release` with the member as
 * actor and the reason). A missing confirmation tick or reason re-renders the license page
 * with the message and releases nothing.
 *
 * @example
 * ```ts
 * await inner.register(consoleSeatReleaseRoutes)
 * ```
 */
export function consoleSeatReleaseRoutes(app: FastifyInstance): Promise<void> {
  const { db, now } = app.tollgate
  app.post<{ Params: { id: string; leaseId: string } }>(
    '/licenses/:id/seats/:leaseId/release',
    async (request, reply) => {
      requireStaffScope(request, 'fleet:write')
      const { id, leaseId } = request.params
      if (!LEASE_ID.test(leaseId)) throw new PageError('NOT_FOUND', 'No such seat lease')
      const f = new FormReader(request.body)
      if (f.raw('confirm') !== 'yes') f.fail('confirm', 'Tick the box to confirm the release')
      const reason = f.text('reason', { label: 'Reason', max: 500 })
      if (Object.keys(f.errors).length > 0) {
        return sendPage(
          reply,
          await licenseDetailPage(db, request, id, { errors: f.errors }, now()),
          400,
        )
      }
      await releaseSeat(db, {
        tenantId: request.staff.tenant_id,
        licenseId: id,
        leaseId,
        actor: actorOf(request),
        now: now(),
        reason,
      })
      const notice = 'The seat was released; its holder loses it at its next renewal.'
      return sendPage(reply, await licenseDetailPage(db, request, id, { notice }, now()))
    },
  )
  return Promise.resolve()
}
