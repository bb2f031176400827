import type { FastifyInstance } from 'fastify'
import { deactivateByAdmin } from '../deployments/deactivate-deployment.js'
import { findDeploymentById } from '../deployments/deployment.repository.js'
import { findLicense } from '../licenses/license.repository.js'
import { updateLicenseStatus, type LicenseStatusAction } from '../licenses/update-license-status.js'
import { decodeCursor, encodeCursor } from '../lib/pagination.js'
import { FormReader } from '../web/form-reader.js'
import type { Html } from '../web/html.js'
import { h } from '../web/jsx.js'
import { PageError } from '../web/page-error.js'
import { sendPage } from '../web/web-scope.js'
import { actorOf, can, requireStaffScope } from './console-context.js'
import { ConsolePage } from './console-layout.js'
import { searchLicenses } from './console-queries.js'
import { licenseDetailPage } from './license-detail.js'
import {
  filterParams,
  LicenseFilterForm,
  planChoices,
  readLicenseFilters,
} from './license-filters.js'
import { STATUS_ACTIONS } from './license-forms.js'

const PAGE_SIZE = 50

const date = (d: Date | null | undefined): string => (d ? d.toISOString().slice(0, 10) : '—')

function StatusBadge(p: { status: string }): Html {
  return <span class={`badge ${p.status}`}>{p.status}</span>
}

/**
 * License pages: search (`/console/licenses`), detail, status actions (suspend / reinstate /
 * revoke with a reason) and freeing a deployment seat. Mutations call the API's services.
 *
 * @example
 * ```ts
 * await inner.register(consoleLicenseRoutes)
 * ```
 */
export function consoleLicenseRoutes(app: FastifyInstance): Promise<void> {
  const { db, now } = app.tollgate

  app.get<{ Querystring: Record<string, unknown> }>('/licenses', async (request, reply) => {
    requireStaffScope(request, 'licenses:read')
    const { filters, expiresAfter, expiresBefore } = readLicenseFilters(request.query)
    let after: string | undefined
    try {
      after = decodeCursor(
        typeof request.query.after === 'string' ? request.query.after : undefined,
      )
    } catch {
      throw new PageError('BAD_INPUT', 'The page link is not valid')
    }
    const tenantId = request.staff.tenant_id
    const [rows, plans] = await Promise.all([
      searchLicenses(db, tenantId, {
        q: filters.q || undefined,
        status: filters.status,
        planId: filters.planId,
        expiresAfter,
        expiresBefore,
        after,
        limit: PAGE_SIZE,
      }),
      planChoices(db, tenantId),
    ])
    const more = rows.length > PAGE_SIZE
    const items = rows.slice(0, PAGE_SIZE)
    const nextParams = filterParams(filters)
    if (more && items.length > 0) nextParams.set('after', encodeCursor(items[items.length - 1]!.id))
    return sendPage(
      reply,
      <ConsolePage request={request} title="Licenses" current="/console/licenses">
        <h1>Licenses</h1>
        {can(request, 'licenses:write') ? (
          <p>
            <a href="/console/licenses/new" class="button">
              Issue a license
            </a>
          </p>
        ) : null}
        <LicenseFilterForm filters={filters} plans={plans} />
        <div class="table-wrap">
          <table>
            <caption class="muted">
              {items.length === 0 ? 'No licenses match' : `${items.length} shown`}
            </caption>
            <thead>
              <tr>
                <th scope="col">License</th>
                <th scope="col">Customer</th>
                <th scope="col">Plan</th>
                <th scope="col">Status</th>
                <th scope="col">Expires</th>
              </tr>
            </thead>
            <tbody>
              {items.map((r) => (
                <tr>
                  <td>
                    <a href={`/console/licenses/${r.id}`} class="mono">
                      {r.id}
                    </a>
                  </td>
                  <td>
                    {r.customer_name}
                    <br />
                    <span class="muted">{r.customer_email ?? ''}</span>
                  </td>
                  <td>{r.plan_name}</td>
                  <td>
                    <StatusBadge status={r.status} />
                  </td>
                  <td>{date(r.expires_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {more ? (
          <p class="pager">
            <a href={`/console/licenses?${nextParams.toString()}`}>Next page</a>
          </p>
        ) : null}
      </ConsolePage>,
    )
  })

  app.get<{ Params: { id: string } }>('/licenses/:id', async (request, reply) => {
    requireStaffScope(request, 'licenses:read')
    return sendPage(reply, await licenseDetailPage(db, request, request.params.id, {}, now()))
  })

  app.post<{ Params: { id: string; action: string } }>(
    '/licenses/:id/:action',
    async (request, reply) => {
      const action = request.params.action
      if (action !== 'suspend' && action !== 'reinstate' && action !== 'revoke') {
        throw new PageError('NOT_FOUND', 'No such action')
      }
      requireStaffScope(request, STATUS_ACTIONS[action].scope)
      const f = new FormReader(request.body)
      const reason = f.text('reason', {
        label: 'Reason',
        max: 500,
        optional: !STATUS_ACTIONS[action].destructive,
      })
      f.done()
      const tenantId = request.staff.tenant_id
      await db
        .transaction()
        .execute((trx) =>
          updateLicenseStatus(
            trx,
            tenantId,
            request.params.id,
            action as LicenseStatusAction,
            { reason: reason ?? null },
            actorOf(request),
            app.tollgate,
          ),
        )
      return reply.redirect(`/console/licenses/${request.params.id}`, 303)
    },
  )

  app.post<{ Params: { id: string; dep: string } }>(
    '/licenses/:id/deployments/:dep/free',
    async (request, reply) => {
      requireStaffScope(request, 'fleet:write')
      const tenantId = request.staff.tenant_id
      const license = await findLicense(db, tenantId, request.params.id)
      if (!license) throw new PageError('NOT_FOUND', 'No such license')
      const deployment = await findDeploymentById(db, tenantId, request.params.dep)
      if (deployment?.license_id !== license.id)
        throw new PageError('NOT_FOUND', 'No such deployment')
      await deactivateByAdmin(db, tenantId, deployment.id, actorOf(request), now())
      return reply.redirect(`/console/licenses/${license.id}`, 303)
    },
  )
  return Promise.resolve()
}
