import type { FastifyRequest } from 'fastify'
import { listDeployments } from '../../deployments/deployment.repository.js'
import type { DeploymentRow } from '../../deployments/deployment.table.js'
import { usageByMonth, type MonthlyUsage } from '../../usage/usage-by-month.js'
import { DeploymentTable } from '../../web/deployment-table.js'
import type { Html } from '../../web/html.js'
import { h } from '../../web/jsx.js'
import { FormErrors } from '../../web/layout.js'
import { LicenseKeyForm } from '../../web/license-key-form.js'
import { PostButton } from '../../web/post-button.js'
import { UsageCharts } from '../../web/usage-charts.js'
import { findCustomerLicense, type CustomerLicense } from '../customer-licenses.js'
import type { PortalPrincipal } from '../portal-actor.js'
import { seatResetStanding, type SeatResetStanding } from '../seat-reset-policy.js'
import { when } from './format.js'
import { LicenseState } from './license-state.js'
import { portalChrome } from './portal-chrome.js'
import { PortalLayout, type PortalChrome } from './portal-layout.js'

/** What the license page shows. */
export interface LicenseDetailProps {
  chrome: PortalChrome
  l: CustomerLicense
  deployments: DeploymentRow[]
  standing: SeatResetStanding
  usage: MonthlyUsage[]
  notice?: string
  error?: string
  /** The key just revealed. */
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

function Claims(p: { l: CustomerLicense }): Html {
  const { row } = p.l
  const limits = Object.entries(row.limits)
  return (
    <dl class="props">
      <dt>License id</dt>
      <dd class="mono">{row.id}</dd>
      <dt>Plan</dt>
      <dd>{`${p.l.planName} (${row.tier})`}</dd>
      <dt>Features</dt>
      <dd>{row.entitlements.length ? row.entitlements.join(', ') : 'None'}</dd>
      <dt>Limits</dt>
      <dd>{limits.length ? limits.map(([k, v]) => `${k}: ${v}`).join(', ') : 'None'}</dd>
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
  )
}

/**
 * `GET /portal/licenses/:id`: plan, features, limits, state, expiry and grace, renewal; the key
 * behind a confirmation (people, not support sessions); machines with "free this seat"; usage.
 *
 * @example
 * ```tsx
 * sendPage(reply, <LicenseDetail {...(await licenseDetailProps(request, principal, id))} />)
 * ```
 */
export function LicenseDetail(p: LicenseDetailProps): Html {
  const { row } = p.l
  const user = p.chrome.principal?.kind === 'user'
  const csrf = p.chrome.csrfToken
  return (
    <PortalLayout title={row.product} chrome={p.chrome}>
      <h1>
        {row.product} <LicenseState l={p.l} />
      </h1>
      {p.notice ? (
        <p class="alert ok" role="status">
          {p.notice}
        </p>
      ) : null}
      <FormErrors message={p.error} />
      <section class="card" aria-labelledby="lic">
        <h2 id="lic">License</h2>
        <Claims l={p.l} />
      </section>
      {user ? (
        <section class="card" aria-labelledby="key">
          <h2 id="key">License key</h2>
          <LicenseKeyForm
            action={`/portal/licenses/${row.id}/key`}
            csrf={csrf}
            token={p.token}
            tokenLabel="Your license key (select and copy)"
            confirmText="I understand that this key unlocks the software on any machine and that taking it is recorded."
          />
        </section>
      ) : null}
      <section class="card" aria-labelledby="seats">
        <h2 id="seats">Machines</h2>
        {user ? <ResetRule s={p.standing} /> : null}
        {p.deployments.length === 0 ? (
          <p class="muted">No machine has activated this license yet.</p>
        ) : (
          <DeploymentTable
            deployments={p.deployments}
            audience="customer"
            time={when}
            action={(d) =>
              user && d.status === 'active' ? (
                <PostButton
                  action={`/portal/deployments/${d.id}/free`}
                  csrf={csrf}
                  label="Free this seat"
                />
              ) : null
            }
          />
        )}
      </section>
      <section class="card" aria-labelledby="usage">
        <h2 id="usage">Usage per month</h2>
        <UsageCharts usage={p.usage} />
      </section>
    </PortalLayout>
  )
}

/**
 * Loads what {@link LicenseDetail} shows for the principal's customer (another customer's
 * license is NOT_FOUND, thrown by `findCustomerLicense`).
 *
 * @example
 * ```ts
 * const props = await licenseDetailProps(request, principal, 'lic_123')
 * ```
 */
export async function licenseDetailProps(
  request: FastifyRequest,
  principal: PortalPrincipal,
  licenseId: string,
): Promise<LicenseDetailProps> {
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
