import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import { h } from '../web/jsx.js'
import { sendPage } from '../web/web-scope.js'
import { KNOWN_SCOPES } from '../api-keys/scopes.js'
import { CsrfField } from '../web/layout.js'
import { can, requireStaffScope } from './console-context.js'
import { ConsolePage } from './console-layout.js'
import { ROLE_SCOPES } from './roles.js'
import { hasScope } from '../api-keys/scopes.js'
import { RecordTable, when } from './records.js'

const LIMIT = 200

/**
 * Read-only operations pages: violations, billing events, outbox, plans, API keys and signing
 * keys of the tenant (newest first, 200 rows).
 *
 * @example
 * ```ts
 * await inner.register(consoleOperationsRoutes)
 * ```
 */
export function consoleOperationsRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app.tollgate

  app.get('/violations', async (request, reply) => {
    requireStaffScope(request, 'fleet:read')
    const rows = await db
      .selectFrom('violations')
      .select(['id', 'license_id', 'kind', 'severity', 'occurrences', 'last_seen_at', 'address'])
      .where('tenant_id', '=', request.staff.tenant_id)
      .orderBy('id', 'desc')
      .limit(LIMIT)
      .execute()
    return sendPage(
      reply,
      <ConsolePage request={request} title="Violations" current="/console/violations">
        <h1>Violations</h1>
        <RecordTable
          caption="Violations"
          head={['Last seen', 'License', 'Kind', 'Severity', 'Count', 'Address']}
          rows={rows.map((v) => [
            when(v.last_seen_at),
            <a href={`/console/licenses/${v.license_id}`} class="mono">
              {v.license_id}
            </a>,
            v.kind,
            v.severity,
            v.occurrences,
            v.address ?? '—',
          ])}
        />
      </ConsolePage>,
    )
  })

  app.get('/billing', async (request, reply) => {
    requireStaffScope(request, 'billing:read')
    const tenantId = request.staff.tenant_id
    const events = await db
      .selectFrom('billing_events')
      .select(['id', 'type', 'status', 'attempts', 'error', 'received_at'])
      .where('tenant_id', '=', tenantId)
      .orderBy('id', 'desc')
      .limit(LIMIT)
      .execute()
    const outbox = await db
      .selectFrom('outbox_messages')
      .select(['id', 'kind', 'recipient', 'status', 'attempts', 'last_error', 'created_at'])
      .where('tenant_id', '=', tenantId)
      .orderBy(sql`status = 'failed'`, 'desc')
      .orderBy('id', 'desc')
      .limit(LIMIT)
      .execute()
    const retry = can(request, 'billing:write')
    return sendPage(
      reply,
      <ConsolePage request={request} title="Billing and outbox" current="/console/billing">
        <h1>Billing events</h1>
        <RecordTable
          caption="Stripe events"
          head={['Received', 'Type', 'Status', 'Attempts', 'Error']}
          rows={events.map((e) => [
            when(e.received_at),
            e.type,
            e.status,
            e.attempts,
            e.error ?? '',
          ])}
        />
        <h2>Outbox (emails)</h2>
        <RecordTable
          caption="Messages"
          head={['Created', 'Kind', 'Recipient', 'Status', 'Attempts', 'Last error', '']}
          rows={outbox.map((m) => [
            when(m.created_at),
            m.kind,
            m.recipient,
            m.status,
            m.attempts,
            m.last_error ?? '',
            retry && m.status === 'failed' ? (
              <form method="post" action={`/console/billing/outbox/${m.id}/retry`} class="inline">
                <CsrfField token={request.web.csrfToken} />
                <button type="submit" class="secondary">
                  Retry
                </button>
              </form>
            ) : (
              ''
            ),
          ])}
        />
      </ConsolePage>,
    )
  })

  app.get('/plans', async (request, reply) => {
    requireStaffScope(request, 'plans:read')
    const plans = await db
      .selectFrom('plans')
      .selectAll()
      .where('tenant_id', '=', request.staff.tenant_id)
      .orderBy('id', 'desc')
      .limit(LIMIT)
      .execute()
    return sendPage(
      reply,
      <ConsolePage request={request} title="Plans" current="/console/plans">
        <h1>Plans</h1>
        {can(request, 'plans:write') ? (
          <p>
            <a href="/console/plans/new" class="button">
              New plan
            </a>
          </p>
        ) : null}
        <RecordTable
          caption="Plans"
          head={['Name', 'Product / tier', 'Features', 'Limits', 'Duration', 'Stripe price']}
          rows={plans.map((p) => [
            <a href={`/console/plans/${p.id}`}>{p.name}</a>,
            `${p.product} / ${p.tier}`,
            p.entitlements.join(', '),
            Object.entries(p.limits)
              .map(([k, v]) => `${k}: ${v}`)
              .join(', '),
            p.duration_days === null ? 'perpetual' : `${p.duration_days} days`,
            p.stripe_price_id ?? '—',
          ])}
        />
      </ConsolePage>,
    )
  })

  app.get('/keys', async (request, reply) => {
    requireStaffScope(request, 'keys:admin')
    const tenantId = request.staff.tenant_id
    const apiKeys = await db
      .selectFrom('api_keys')
      .select([
        'id',
        'name',
        'prefix',
        'scopes',
        'created_by',
        'created_at',
        'last_used_at',
        'revoked_at',
      ])
      .where('tenant_id', '=', tenantId)
      .orderBy('id', 'desc')
      .limit(LIMIT)
      .execute()
    const signingKeys = await db
      .selectFrom('signing_keys')
      .select(['kid', 'state', 'created_at', 'retired_at'])
      .where('tenant_id', '=', tenantId)
      .orderBy('seq', 'desc')
      .limit(LIMIT)
      .execute()
    return sendPage(
      reply,
      <ConsolePage request={request} title="Keys" current="/console/keys">
        <h1>API keys</h1>
        <RecordTable
          caption="API keys (secrets are never shown again)"
          head={['Name', 'Prefix', 'Scopes', 'Created by', 'Last used', 'Revoked', '']}
          rows={apiKeys.map((k) => [
            k.name,
            <span class="mono">{k.prefix}</span>,
            k.scopes.join(' '),
            <span class="mono">{k.created_by}</span>,
            when(k.last_used_at),
            when(k.revoked_at),
            k.revoked_at === null ? (
              <form
                method="post"
                action={`/console/keys/api/${k.id}/revoke`}
                class="inline"
                data-confirm="Revoke this API key? Programs using it stop working."
              >
                <CsrfField token={request.web.csrfToken} />
                <button type="submit" class="danger">
                  Revoke
                </button>
              </form>
            ) : (
              ''
            ),
          ])}
        />
        <form method="post" action="/console/keys/api" class="card stack" id="new-api-key">
          <CsrfField token={request.web.csrfToken} />
          <h2>New API key</h2>
          <label>
            Name
            <input type="text" name="name" required maxlength={200} />
          </label>
          <fieldset>
            <legend>Scopes (only those your role holds)</legend>
            {['*', ...KNOWN_SCOPES]
              .filter((sc) => hasScope(ROLE_SCOPES[request.staff.role], sc))
              .map((sc) => (
                <label class="check">
                  <input type="checkbox" name="scopes" value={sc} /> <span class="mono">{sc}</span>
                </label>
              ))}
          </fieldset>
          <button type="submit">Create API key</button>
        </form>
        <h2>Signing keys</h2>
        <RecordTable
          caption="Signing keys (newest signs)"
          head={['Key id', 'State', 'Created', 'Retired']}
          rows={signingKeys.map((k) => [
            <span class="mono">{k.kid}</span>,
            k.state,
            when(k.created_at),
            when(k.retired_at),
          ])}
        />
      </ConsolePage>,
    )
  })

  return Promise.resolve()
}
