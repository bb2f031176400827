import type { FastifyInstance, FastifyRequest } from 'fastify'
import { findCustomer } from '../../customers/customer.repository.js'
import { AppError } from '../../errors/app-error.js'
import { h } from '../../web/jsx.js'
import { PageError } from '../../web/page-error.js'
import { sendPage } from '../../web/web-scope.js'
import { listCustomerLicenses } from '../customer-licenses.js'
import { freeSeat } from '../free-seat.js'
import { revealLicenseKey } from '../reveal-license-key.js'
import { listSupportVisits } from '../support-link.js'
import { LicenseDetail, licenseDetailProps } from './license-detail.js'
import { LicensesOverview } from './licenses-overview.js'
import { portalChrome } from './portal-chrome.js'
import { portalPrincipal } from './portal-principal.js'

function idParam(request: FastifyRequest): string {
  const id = (request.params as { id?: unknown }).id
  if (typeof id !== 'string' || id.length > 64) throw new PageError('NOT_FOUND', 'No such license')
  return id
}

/**
 * License pages: `GET /portal` (the customer's licenses, support visits, billing button),
 * `GET /portal/licenses/:id` (plan, features, limits, state, expiry and grace, renewal, machines
 * with "free this seat", usage charts), `POST /portal/licenses/:id/key` (show or download the
 * key after a confirmation), `POST /portal/deployments/:id/free`.
 *
 * @example
 * ```ts
 * await inner.register(licensePages)
 * ```
 */
export function licensePages(app: FastifyInstance): Promise<void> {
  const { db, now } = app.tollgate

  app.get('/', async (request, reply) => {
    const principal = await portalPrincipal(request, reply)
    const [licenses, visits, chrome, customer] = await Promise.all([
      listCustomerLicenses(db, principal.tenantId, principal.customerId, now()),
      listSupportVisits(db, principal.tenantId, principal.customerId, 10),
      portalChrome(request, principal.tenantId, principal),
      findCustomer(db, principal.tenantId, principal.customerId),
    ])
    const billable =
      principal.kind === 'user' &&
      principal.role === 'admin' &&
      app.billing.stripe !== undefined &&
      principal.tenantId === app.billing.tenantId &&
      Boolean(customer?.stripe_customer_id)
    return sendPage(
      reply,
      <LicensesOverview
        chrome={chrome}
        licenses={licenses}
        visits={visits.map((v) => ({ usedAt: v.used_at!, createdBy: v.created_by }))}
        billable={billable}
      />,
    )
  })

  app.get('/licenses/:id', async (request, reply) => {
    const principal = await portalPrincipal(request, reply)
    const props = await licenseDetailProps(request, principal, idParam(request))
    const freed = (request.query as { freed?: unknown }).freed
    return sendPage(
      reply,
      <LicenseDetail
        {...props}
        {...(freed === '1'
          ? { notice: 'The seat is free: another machine can activate now.' }
          : {})}
      />,
    )
  })

  app.post('/licenses/:id/key', async (request, reply) => {
    const principal = await portalPrincipal(request, reply)
    const body = (request.body ?? {}) as Record<string, unknown>
    const id = idParam(request)
    if (body.confirm !== 'yes') {
      const props = await licenseDetailProps(request, principal, id)
      return sendPage(
        reply,
        <LicenseDetail {...props} error="Tick the box to confirm you want the key." />,
        400,
      )
    }
    const as = body.as === 'file' ? 'download' : 'copy'
    const { token, licenseId } = await revealLicenseKey(db, app.tollgate, principal, id, {
      via: as,
      now: now(),
      requestId: request.id,
      ip: request.ip,
    })
    if (as === 'download') {
      return reply
        .header('content-disposition', `attachment; filename="license-${licenseId}.key"`)
        .type('application/octet-stream')
        .send(`${token}\n`)
    }
    const props = await licenseDetailProps(request, principal, id)
    return sendPage(reply, <LicenseDetail {...props} token={token} />)
  })

  app.post('/deployments/:id/free', async (request, reply) => {
    const principal = await portalPrincipal(request, reply)
    const id = (request.params as { id: string }).id
    try {
      const r = await freeSeat(db, principal, id, {
        now: now(),
        requestId: request.id,
        ip: request.ip,
      })
      return reply.redirect(`/portal/licenses/${r.deployment.license_id}?freed=1`, 303)
    } catch (err) {
      if (!(err instanceof AppError) || !err.code.startsWith('SEAT_RESET_')) throw err
      const dep = await db
        .selectFrom('deployments')
        .select('license_id')
        .where('tenant_id', '=', principal.tenantId)
        .where('id', '=', id)
        .executeTakeFirstOrThrow()
      const props = await licenseDetailProps(request, principal, dep.license_id)
      return sendPage(reply, <LicenseDetail {...props} error={err.message} />, 409)
    }
  })
  return Promise.resolve()
}
