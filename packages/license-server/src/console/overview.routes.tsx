import type { FastifyInstance } from 'fastify'
import { h } from '../web/jsx.js'
import { sendPage } from '../web/web-scope.js'
import { requireStaffScope } from './console-context.js'
import { ConsolePage } from './console-layout.js'
import { overviewNumbers } from './console-queries.js'
import { contactByHour } from './contact-by-hour.js'
import { BarChart } from '../web/usage-chart.js'
import { RequestsPerHour } from './requests-per-hour.js'

/**
 * The overview: licenses by state and plan, deployments seen in 24 h, licenses expiring in 30
 * days, recent violations, failed billing events and undelivered emails, counted in the database.
 *
 * @example
 * ```ts
 * await inner.register(consoleOverviewRoutes)
 * ```
 */
export function consoleOverviewRoutes(app: FastifyInstance): Promise<void> {
  const { db, now } = app.tollgate
  app.get('/', async (request, reply) => {
    requireStaffScope(request, 'licenses:read')
    const n = await overviewNumbers(db, request.staff.tenant_id, now())
    const contact = await contactByHour(db, request.staff.tenant_id, now())
    const stat = (label: string, value: number, href?: string) => (
      <div class="card">
        <div class="muted">{label}</div>
        <div class="stat">{href ? <a href={href}>{value}</a> : value}</div>
      </div>
    )
    return sendPage(
      reply,
      <ConsolePage request={request} title="Overview" current="/console">
        <h1>Overview</h1>
        <div class="grid" id="overview-stats">
          {n.byStatus.map((s) =>
            stat(`Licenses ${s.status}`, s.n, `/console/licenses?status=${s.status}`),
          )}
          {stat('Deployments seen in 24 h', n.deployments24h)}
          {stat('Expiring in 30 days', n.expiring30d)}
          {stat('Violations (30 days)', n.openViolations)}
          {stat('Failed billing events', n.failedBillingEvents)}
          {stat('Undelivered emails', n.undeliveredEmails)}
        </div>
        {await RequestsPerHour({ db, tenantId: request.staff.tenant_id, now: now() })}
        <h2>Deployments by hour of last contact (UTC, 24 h)</h2>
        <BarChart
          name="contact-by-hour"
          caption="Deployments whose last validation or heartbeat fell in each hour"
          limit={null}
          points={contact}
          tickEvery={3}
        />
        <h2>Active licenses by plan</h2>
        <table>
          <thead>
            <tr>
              <th scope="col">Plan</th>
              <th scope="col">Active licenses</th>
            </tr>
          </thead>
          <tbody>
            {n.byPlan.map((p) => (
              <tr>
                <td>{p.plan}</td>
                <td>{p.n}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </ConsolePage>,
    )
  })
  return Promise.resolve()
}
