import type { FastifyInstance, FastifyRequest } from 'fastify'
import { h } from '../../web/jsx.js'
import { CsrfField } from '../../web/layout.js'
import { PageError } from '../../web/page-error.js'
import { startSession } from '../../web/sessions.js'
import { sendPage } from '../../web/web-scope.js'
import { redeemSupportLink } from '../support-link.js'
import { portalChrome } from './portal-chrome.js'
import { PortalLayout } from './portal-layout.js'

function secretParam(request: FastifyRequest): string {
  const secret = (request.params as { secret?: unknown }).secret
  if (typeof secret !== 'string' || !/^[A-Za-z0-9_-]{20,100}$/.test(secret)) {
    throw new PageError('NOT_FOUND', 'This support link is not valid')
  }
  return secret
}

/**
 * Staff support links: `GET /portal/support/:secret` asks to continue (so a link preview or
 * scanner fetching the URL does not spend it), `POST` spends it and starts a read-only support
 * session in the customer's portal. A used, expired or unknown link gets a clear page.
 *
 * @example
 * ```ts
 * await scope.register(supportPages)
 * ```
 */
export function supportPages(app: FastifyInstance): Promise<void> {
  const { db, now, bootstrap } = app.tollgate

  app.get('/support/:secret', async (request, reply) => {
    const secret = secretParam(request)
    const chrome = await portalChrome(request, bootstrap.tenantId)
    return sendPage(
      reply,
      <PortalLayout title="Support access" chrome={chrome}>
        <section class="card narrow" aria-labelledby="t">
          <h1 id="t">Open the customer's portal</h1>
          <p>
            This one-time link opens a read-only view of the customer's portal. It works once,
            within 10 minutes of being created, and the customer will see that support looked.
          </p>
          <form method="post" action={`/portal/support/${secret}`}>
            <CsrfField token={chrome.csrfToken} />
            <button type="submit">Continue</button>
          </form>
        </section>
      </PortalLayout>,
    )
  })

  app.post('/support/:secret', async (request, reply) => {
    const secret = secretParam(request)
    let link
    try {
      link = await redeemSupportLink(db, {
        secret,
        now: now(),
        ip: request.ip,
        requestId: request.id,
      })
    } catch (err) {
      throw new PageError(
        'NOT_FOUND',
        'This support link was already used, has expired or is not valid. Create a new one.',
        { cause: err },
      )
    }
    await startSession(request, reply, {
      stage: 'active',
      tenantId: link.tenant_id,
      subjectId: link.id,
      data: { kind: 'support', customerId: link.customer_id, createdBy: link.created_by },
    })
    return reply.redirect('/portal', 303)
  })
  return Promise.resolve()
}
