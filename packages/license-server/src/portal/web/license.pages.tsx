import type { FastifyInstance, FastifyRequest } from 'fastify'
import { findCustomer } from '../../customers/customer.repository.js'
import { listDeployments } from '../../deployments/deployment.repository.js'
import type { DeploymentRow } from '../../deployments/deployment.table.js'
import { AppError } from '../../errors/app-error.js'
import type { Html } from '../../web/html.js'
import { Fragment, h } from '../../web/jsx.js'
import { CsrfField, FormErrors } from '../../web/layout.js'
import { PageError } from '../../web/page-error.js'
import { sendPage } from '../../web/web-scope.js'
import {
  findCustomerLicense,
  listCustomerLicenses,
  type CustomerLicense,
} from '../customer-licenses.js'
import { freeSeat } from '../free-seat.js'
import type { PortalPrincipal } from '../portal-actor.js'
import { revealLicenseKey } from '../reveal-license-key.js'
import { seatResetStanding, type SeatResetStanding } from '../seat-reset-policy.js'
import { listSupportVisits } from '../support-link.js'
import { usageByMonth, type MonthlyUsage } from '../../usage/usage-by-month.js'
import { portalChrome } from './portal-chrome.js'
import { PortalLayout, type PortalChrome } from './portal-layout.js'
import { portalPrincipal } from './portal-principal.js'
import { UsageChart } from '../../web/usage-chart.js'
import { day, when } from './format.js'

const STATE_TEXT: Record<CustomerLicense['state'], string> = {
  active: 'Active',
  grace: 'In grace period',
  expired: 'Expired',
  suspended: 'Suspended',
  revoked: 'Revoked',
}

function State(p: { l: CustomerLicense }): Html {
  return (
    <span class={`badge ${p.l.state === 'grace' ? 'past_due' : p.l.state}`}>
      {STATE_TEXT[p.l.state]}
    </span>
  )
}

function Overview(p: {
  chrome: PortalChrome
  licenses: CustomerLicense[]
  visits: { usedAt: Date; createdBy: string }[]
  /** Show the billing button: an admin of a customer billed through this server's Stripe. */
  billable: boolean
}): Html {
  return (
    <PortalLayout title="Licenses" chrome={p.chrome} current="/portal">
      <h1>Your licenses</h1>
      {p.visits.length > 0 ? (
        <section class="alert warn" aria-labelledby="visits" data-testid="support-visits">
          <h2 id="visits">Support access</h2>
          <ul>
            {p.visits.map((v) => (
              <li>
                Support staff viewed this account on{' '}
                <time datetime={v.usedAt.toISOString()}>{when(v.usedAt)}</time> (read-only).
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {p.licenses.length === 0 ? (
        <p class="muted">No licenses yet.</p>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Product</th>
                <th scope="col">Plan</th>
                <th scope="col">State</th>
                <th scope="col">Expires</th>
                <th scope="col">Renews</th>
                <th scope="col">Seats</th>
              </tr>
            </thead>
            <tbody>
              {p.licenses.map((l) => (
                <tr>
                  <td>
                    <a href={`/portal/licenses/${l.row.id}`}>{l.row.product}</a>
                  </td>
                  <td>{l.planName}</td>
                  <td>
                    <State l={l} />
                  </td>
                  <td>{day(l.row.expires_at) ?? 'Never'}</td>
                  <td>
                    {l.cancelsAtPeriodEnd ? 'Cancels at period end' : (day(l.renewsAt) ?? '—')}
                  </td>
                  <td>
                    {l.seatsUsed}
                    {l.row.policy.maxDeployments ? ` of ${l.row.policy.maxDeployments}` : ''}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {p.billable ? (
        <form method="post" action="/portal/billing" class="actions">
          <CsrfField token={p.chrome.csrfToken} />
          <button type="submit">Manage billing and invoices</button>
        </form>
      ) : null}
    </PortalLayout>
  )
}

interface DetailProps {
  chrome: PortalChrome
  l: CustomerLicense
  deployments: DeploymentRow[]
  standing: SeatResetStanding
  usage: MonthlyUsage[]
  notice?: string
  error?: string
  token?: string
}

function ResetRule(p: { s: SeatResetStanding }): Html {
  const { policy, used, nextAllowedAt } = p.s
  if (nextAllowedAt === undefined)
    return <p class="hint">Your plan does not allow freeing seats here; contact support.</p>
  return (
    <p class="hint" data-testid="reset-rule">
      You can free up to {policy.maxResets} seats per {policy.windowDays} days
      {policy.cooldownHours > 0 ? `, ${policy.cooldownHours} h apart` : ''}. Used: {used}.
      {nextAllowedAt ? ` Next possible after ${when(nextAllowedAt)}.` : ''}
    </p>
  )
}

function Detail(p: DetailProps): Html {
  const { row } = p.l
  const user = p.chrome.principal?.kind === 'user'
  const csrf = p.chrome.csrfToken
  return (
    <PortalLayout title={row.product} chrome={p.chrome}>
      <h1>
        {row.product} <State l={p.l} />
      </h1>
      {p.notice ? (
        <p class="alert ok" role="status">
          {p.notice}
        </p>
      ) : null}
      <FormErrors message={p.error} />
      <section class="card" aria-labelledby="lic">
        <h2 id="lic">License</h2>
        <dl class="props">
          <dt>License id</dt>
          <dd class="mono">{row.id}</dd>
          <dt>Plan</dt>
          <dd>{`${p.l.planName} (${row.tier})`}</dd>
          <dt>Features</dt>
          <dd>{row.entitlements.length ? row.entitlements.join(', ') : 'None'}</dd>
          <dt>Limits</dt>
          <dd>
            {Object.entries(row.limits).length
              ? Object.entries(row.limits)
                  .map(([k, v]) => `${k}: ${v}`)
                  .join(', ')
              : 'None'}
          </dd>
          <dt>Expires</dt>
          <dd>{when(row.expires_at) ?? 'Never (perpetual)'}</dd>
          <dt>Grace until</dt>
          <dd>{when(p.l.graceEndsAt) ?? '—'}</dd>
          <dt>Renewal</dt>
          <dd>
            {p.l.cancelsAtPeriodEnd
              ? 'Cancels at the end of the period'
              : (when(p.l.renewsAt) ?? 'Not billed by subscription')}
          </dd>
          <dt>Offline grace</dt>
          <dd>{`${row.policy.offlineGraceDays ?? 0} days without contact`}</dd>
        </dl>
      </section>
      {user ? (
        <section class="card" aria-labelledby="key">
          <h2 id="key">License key</h2>
          {p.token ? (
            <>
              <label for="token">Your license key (select and copy)</label>
              <textarea id="token" class="secret mono" readonly rows={4} data-testid="license-key">
                {p.token}
              </textarea>
            </>
          ) : null}
          <form method="post" action={`/portal/licenses/${row.id}/key`} class="stack">
            <CsrfField token={csrf} />
            <label class="check">
              <input type="checkbox" name="confirm" value="yes" required /> I understand that this
              key unlocks the software on any machine and that taking it is recorded.
            </label>
            <div class="actions">
              <button type="submit" name="as" value="show" class="secondary">
                Show key
              </button>
              <button type="submit" name="as" value="file">
                Download license file
              </button>
            </div>
          </form>
        </section>
      ) : null}
      <section class="card" aria-labelledby="seats">
        <h2 id="seats">Machines</h2>
        {user ? <ResetRule s={p.standing} /> : null}
        {p.deployments.length === 0 ? (
          <p class="muted">No machine has activated this license yet.</p>
        ) : (
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Machine</th>
                  <th scope="col">Status</th>
                  <th scope="col">Last seen</th>
                  <th scope="col">Version</th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {p.deployments.map((d) => (
                  <tr data-deployment={d.install_id}>
                    <td>
                      {d.fingerprint.hostname ?? d.install_id}
                      <br />
                      <span class="muted mono">{d.install_id.slice(0, 40)}</span>
                    </td>
                    <td>{d.status}</td>
                    <td>{when(d.last_seen_at)}</td>
                    <td>{d.app_version ?? '—'}</td>
                    <td>
                      {user && d.status === 'active' ? (
                        <form
                          method="post"
                          action={`/portal/deployments/${d.id}/free`}
                          class="inline"
                        >
                          <CsrfField token={csrf} />
                          <button type="submit" class="danger">
                            Free this seat
                          </button>
                        </form>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section class="card" aria-labelledby="usage">
        <h2 id="usage">Usage per month</h2>
        {p.usage.length === 0 ? (
          <p class="muted">No usage reported in the last 12 months.</p>
        ) : (
          p.usage.map((u) => <UsageChart usage={u} />)
        )}
      </section>
    </PortalLayout>
  )
}

async function detailProps(
  request: FastifyRequest,
  principal: PortalPrincipal,
  licenseId: string,
): Promise<Omit<DetailProps, 'chrome'> & { chrome: PortalChrome }> {
  const { db, now } = request.server.tollgate
  const at = now()
  const l = await findCustomerLicense(db, principal.tenantId, principal.customerId, licenseId, at)
  const [deployments, standing, usage, chrome] = await Promise.all([
    listDeployments(db, principal.tenantId, l.row.id, { limit: 100 }),
    seatResetStanding(db, principal.tenantId, l.row, at),
    usageByMonth(db, principal.tenantId, l.row, { now: at, months: 12 }),
    portalChrome(request, principal.tenantId, principal),
  ])
  return { chrome, l, deployments, standing, usage }
}

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
      <Overview
        chrome={chrome}
        licenses={licenses}
        visits={visits.map((v) => ({ usedAt: v.used_at!, createdBy: v.created_by }))}
        billable={billable}
      />,
    )
  })

  app.get('/licenses/:id', async (request, reply) => {
    const principal = await portalPrincipal(request, reply)
    const props = await detailProps(request, principal, idParam(request))
    const freed = (request.query as { freed?: unknown }).freed
    return sendPage(
      reply,
      <Detail
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
      const props = await detailProps(request, principal, id)
      return sendPage(
        reply,
        <Detail {...props} error="Tick the box to confirm you want the key." />,
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
    const props = await detailProps(request, principal, id)
    return sendPage(reply, <Detail {...props} token={token} />)
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
      const props = await detailProps(request, principal, dep.license_id)
      return sendPage(reply, <Detail {...props} error={err.message} />, 409)
    }
  })
  return Promise.resolve()
}
