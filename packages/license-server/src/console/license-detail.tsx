import type { FastifyRequest } from 'fastify'
import { findCustomer } from '../customers/customer.repository.js'
import { countActiveDeployments, listDeployments } from '../deployments/deployment.repository.js'
import { findLicense } from '../licenses/license.repository.js'
import { toLicenseView } from '../licenses/license.view.js'
import { usageByMonth } from '../usage/usage-by-month.js'
import { listViolations } from '../violations/violation.repository.js'
import type { Html } from '../web/html.js'
import { h } from '../web/jsx.js'
import { FormErrors } from '../web/layout.js'
import { PageError } from '../web/page-error.js'
import { DeploymentTable } from '../web/deployment-table.js'
import { PostButton } from '../web/post-button.js'
import { UsageCharts } from '../web/usage-charts.js'
import { can } from './console-context.js'
import { ConsolePage } from './console-layout.js'
import { auditTrail } from './console-queries.js'
import { licenseOfflineSection } from './license-offline.js'
import { licenseSeatsSection } from './license-seats.js'
import {
  KeyForms,
  RenewForm,
  StatusForm,
  STATUS_ACTIONS,
  type StatusAction,
} from './license-forms.js'
import type { Db } from '../db/database.js'

const date = (d: Date | null | undefined): string => (d ? d.toISOString().slice(0, 10) : '—')
const when = (d: Date): string => d.toISOString().replace('T', ' ').slice(0, 19)

/** What a license page shows beside the row: a key just revealed, a notice, form errors. */
export interface DetailExtra {
  token?: string
  notice?: string
  errors?: Readonly<Record<string, string>>
}

/**
 * Renders a license's detail page: claims, actions the member's role allows, seats and
 * deployments, usage vs limits (SVG charts), violations and the audit trail.
 *
 * @example
 * ```ts
 * return sendPage(reply, await licenseDetailPage(db, request, id, { notice: 'Renewed' }, now()))
 * ```
 */
export async function licenseDetailPage(
  db: Db,
  request: FastifyRequest,
  id: string,
  extra: DetailExtra,
  now: Date,
): Promise<Html> {
  const tenantId = request.staff.tenant_id
  const license = await findLicense(db, tenantId, id)
  if (!license) throw new PageError('NOT_FOUND', 'No such license')
  const customer = await findCustomer(db, tenantId, license.customer_id)
  const deployments = await listDeployments(db, tenantId, license.id, { limit: 100 })
  const seats = await countActiveDeployments(db, license.id)
  const usage = await usageByMonth(db, tenantId, license, { now, months: 12 })
  const violations = can(request, 'fleet:read')
    ? (await listViolations(db, tenantId, { limit: 50, licenseId: license.id })).slice(0, 50)
    : []
  const trail = await auditTrail(db, tenantId, 'license', license.id)
  const floatingSeats = await licenseSeatsSection(db, request, license, now)
  const offline = await licenseOfflineSection(db, request, license, now)
  const view = toLicenseView(license)
  const maxSeats = license.policy.maxDeployments ?? 0
  const statusActions = (Object.keys(STATUS_ACTIONS) as StatusAction[]).filter((a) => {
    if (!can(request, STATUS_ACTIONS[a].scope)) return false
    if (a === 'suspend') return license.status === 'active'
    if (a === 'reinstate') return license.status === 'suspended'
    return license.status !== 'revoked'
  })
  const writable = can(request, 'licenses:write') && license.status !== 'revoked'
  const keyable = canRevealKey(request) && license.status !== 'revoked'
  const csrf = request.web.csrfToken
  return (
    <ConsolePage request={request} title={`License ${license.id}`} current="/console/licenses">
      <h1>
        License <span class="mono">{license.id}</span>{' '}
        <span class={`badge ${license.status}`}>{license.status}</span>
      </h1>
      {extra.notice ? (
        <p class="notice" role="status">
          {extra.notice}
        </p>
      ) : null}
      <FormErrors fields={extra.errors ?? {}} />
      <div class="grid">
        <section class="card" aria-labelledby="claims">
          <h2 id="claims">Claims</h2>
          <dl class="props">
            <dt>Customer</dt>
            <dd>
              {customer ? (
                <a href={`/console/customers/${customer.id}`}>{customer.name}</a>
              ) : (
                license.customer_id
              )}
            </dd>
            <dt>Product / tier</dt>
            <dd>
              {view.product} / {view.tier}
            </dd>
            <dt>Features</dt>
            <dd>{view.entitlements.join(', ') || '—'}</dd>
            <dt>Limits</dt>
            <dd>
              {Object.entries(view.limits)
                .map(([k, v]) => `${k}: ${v}`)
                .join(', ') || '—'}
            </dd>
            <dt>Seats</dt>
            <dd id="seats-used">{`${seats} of ${maxSeats === 0 ? 'unlimited' : maxSeats}`}</dd>
            <dt>Issued</dt>
            <dd>{date(license.issued_at)}</dd>
            <dt>Expires</dt>
            <dd>{date(license.expires_at)}</dd>
            <dt>Status reason</dt>
            <dd>{license.status_reason ?? '—'}</dd>
            <dt>Signing key</dt>
            <dd class="mono">{license.kid}</dd>
            <dt>Policy</dt>
            <dd class="mono">{JSON.stringify(view.policy)}</dd>
          </dl>
        </section>
        <section aria-labelledby="actions-title">
          <h2 id="actions-title">Actions</h2>
          {keyable ? (
            <KeyForms csrf={csrf} licenseId={license.id} token={extra.token} reissue={writable} />
          ) : null}
          {writable ? <RenewForm csrf={csrf} licenseId={license.id} /> : null}
          {statusActions.map((a) => (
            <StatusForm csrf={csrf} licenseId={license.id} action={a} />
          ))}
        </section>
      </div>
      <h2>Usage vs limits</h2>
      <UsageCharts usage={usage} grid />
      <h2>Deployments</h2>
      <DeploymentTable
        deployments={deployments}
        audience="staff"
        time={when}
        action={(d) =>
          d.status === 'active' && can(request, 'fleet:write') ? (
            <PostButton
              action={`/console/licenses/${license.id}/deployments/${d.id}/free`}
              csrf={csrf}
              label="Free seat"
              class="secondary"
              confirm="Free this seat? The machine must activate again."
            />
          ) : null
        }
      />
      {floatingSeats}
      {offline}
      {can(request, 'fleet:read') ? (
        <section aria-labelledby="violations-title">
          <h2 id="violations-title">Violations</h2>
          {violations.length === 0 ? (
            <p class="muted">None recorded.</p>
          ) : (
            <ul id="license-violations">
              {violations.map((v) => (
                <li>
                  {when(v.last_seen_at)} · <strong>{v.kind}</strong> ({v.severity}) ×{' '}
                  {v.occurrences}
                  {v.address ? ` from ${v.address}` : ''}
                </li>
              ))}
            </ul>
          )}
        </section>
      ) : null}
      <h2>Audit trail</h2>
      <ul>
        {trail.map((e) => (
          <li>
            {when(e.at)} · <strong>{e.action}</strong> by <span class="mono">{e.actor}</span>
          </li>
        ))}
      </ul>
    </ConsolePage>
  )
}

/**
 * Whether the member may take a license key (copy / download): those who issue licenses
 * (`licenses:write`) and support, who resends keys (`licenses:status`).
 *
 * @example
 * ```ts
 * if (!canRevealKey(request)) throw new PageError('FORBIDDEN')
 * ```
 */
export function canRevealKey(request: FastifyRequest): boolean {
  return can(request, 'licenses:write') || can(request, 'licenses:status')
}
