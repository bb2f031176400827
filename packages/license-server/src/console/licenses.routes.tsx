import type { FastifyInstance } from 'fastify'
import { deactivateByAdmin } from '../deployments/deactivate-deployment.js'
import { findDeploymentById } from '../deployments/deployment.repository.js'
import { findLicense } from '../licenses/license.repository.js'
import type { LicenseStatus } from '../licenses/license.table.js'
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
import { STATUS_ACTIONS } from './license-forms.js'

const STATUSES: readonly LicenseStatus[] = ['active', 'suspended', 'revoked', 'expired']
const PAGE_SIZE = 50

const date = (d: Date | null | undefined): string => (d ? d.toISOString().slice(0, 10) : '—')

function StatusBadge(p: { status: string }): Html {
  return <span class={`badge ${p.status}`}>{p.status}</span>
}

type Query = { q?: string; status?: string; after?: string; expiresBefore?: string }

function parseDate(value: string | undefined): Date | undefined {
  if (!value) return undefined
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) throw new PageError('BAD_INPUT', 'Dates are YYYY-MM-DD')
  const d = new Date(`${value}T00:00:00Z`)
  if (Number.isNaN(d.getTime())) throw new PageError('BAD_INPUT', 'Dates are YYYY-MM-DD')
  return d
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

  app.get<{ Querystring: Query }>('/licenses', async (request, reply) => {
    requireStaffScope(request, 'licenses:read')
    const query = request.query
    const q = typeof query.q === 'string' ? query.q.trim().slice(0, 200) : ''
    const status = STATUSES.find((s) => s === query.status)
    let after: string | undefined
    try {
      after = decodeCursor(typeof query.after === 'string' ? query.after : undefined)
    } catch {
      throw new PageError('BAD_INPUT', 'The page link is not valid')
    }
    const rows = await searchLicenses(db, request.staff.tenant_id, {
      q: q || undefined,
      status,
      expiresBefore: parseDate(
        typeof query.expiresBefore === 'string' ? query.expiresBefore : undefined,
      ),
      after,
      limit: PAGE_SIZE,
    })
    const more = rows.length > PAGE_SIZE
    const items = rows.slice(0, PAGE_SIZE)
    const nextParams = new URLSearchParams({ ...(q ? { q } : {}), ...(status ? { status } : {}) })
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
        <form method="get" action="/console/licenses" class="filters" role="search">
          <label>
            Search
            <input
              type="search"
              name="q"
              value={q}
              placeholder="license id, customer name or email"
            />
          </label>
          <label>
            Status
            <select name="status" data-autosubmit>
              <option value="">any</option>
              {STATUSES.map((s) => (
                <option value={s} selected={s === status}>
                  {s}
                </option>
              ))}
            </select>
          </label>
          <label>
            Expires before
            <input
              type="date"
              name="expiresBefore"
              value={typeof query.expiresBefore === 'string' ? query.expiresBefore : undefined}
            />
          </label>
          <button type="submit">Search</button>
        </form>
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
