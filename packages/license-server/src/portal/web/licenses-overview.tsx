import type { Html } from '../../web/html.js'
import { h } from '../../web/jsx.js'
import { CsrfField } from '../../web/layout.js'
import { TableHead } from '../../web/table-head.js'
import type { CustomerLicense } from '../customer-licenses.js'
import { day, when } from './format.js'
import { LicenseState } from './license-state.js'
import { PortalLayout, type PortalChrome } from './portal-layout.js'

/** Props of {@link LicensesOverview}. */
export interface LicensesOverviewProps {
  chrome: PortalChrome
  licenses: CustomerLicense[]
  visits: { usedAt: Date; createdBy: string }[]
  /** Show the billing button: an admin of a customer billed through this server's Stripe. */
  billable: boolean
}

/**
 * `GET /portal`: the customer's licenses (plan, state, expiry, renewal, seats), when support
 * looked at the account, and the billing button.
 *
 * @example
 * ```tsx
 * sendPage(reply, <LicensesOverview chrome={chrome} licenses={ls} visits={[]} billable />)
 * ```
 */
export function LicensesOverview(p: LicensesOverviewProps): Html {
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
            <TableHead columns={['Product', 'Plan', 'State', 'Expires', 'Renews', 'Seats']} />
            <tbody>
              {p.licenses.map((l) => (
                <tr>
                  <td>
                    <a href={`/portal/licenses/${l.row.id}`}>{l.row.product}</a>
                  </td>
                  <td>{l.planName}</td>
                  <td>
                    <LicenseState l={l} />
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
