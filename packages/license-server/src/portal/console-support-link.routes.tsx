import type { FastifyInstance } from 'fastify'
import { actorOf, requireStaffScope } from '../console/console-context.js'
import { ConsolePage } from '../console/console-layout.js'
import { AppError } from '../errors/app-error.js'
import { h } from '../web/jsx.js'
import { PageError } from '../web/page-error.js'
import { sendPage } from '../web/web-scope.js'
import { requestOrigin } from './request-origin.js'
import { createSupportLink } from './support-link.js'

/**
 * `POST /console/customers/:id/portal-link` (scope `portal:support`): creates a one-time,
 * 10-minute support link into the customer's portal with the staff member as actor, and shows
 * it once. Another tenant's customer is NOT_FOUND.
 *
 * @example
 * ```ts
 * await inner.register(consoleSupportLinkRoutes)
 * ```
 */
export function consoleSupportLinkRoutes(app: FastifyInstance): Promise<void> {
  const { db, now } = app.tollgate
  app.post<{ Params: { id: string } }>('/customers/:id/portal-link', async (request, reply) => {
    const staff = requireStaffScope(request, 'portal:support')
    let link
    try {
      link = await createSupportLink(db, {
        tenantId: staff.tenant_id,
        customerId: request.params.id,
        baseUrl: requestOrigin(request),
        actor: actorOf(request),
        now: now(),
      })
    } catch (err) {
      if (err instanceof AppError && err.code === 'NOT_FOUND') {
        throw new PageError('NOT_FOUND', 'No such customer', { cause: err })
      }
      throw err
    }
    return sendPage(
      reply,
      <ConsolePage request={request} title="Support link" current="/console/customers">
        <h1>Support link</h1>
        <section class="card" aria-labelledby="link">
          <h2 id="link">Open this customer's portal</h2>
          <p>
            Works once, until {link.expiresAt.toISOString()}, read-only. The customer will see that
            support looked. It is shown only now.
          </p>
          <p>
            <a href={link.url} class="button" data-testid="support-link" rel="noreferrer">
              Open the portal as support
            </a>
          </p>
          <p>
            <a href={`/console/customers/${link.customerId}`}>Back to the customer</a>
          </p>
        </section>
      </ConsolePage>,
    )
  })
  return Promise.resolve()
}
