import type { FastifyInstance } from 'fastify'
import { h } from '../web/jsx.js'
import { sendPage } from '../web/web-scope.js'
import { can, requireStaffScope } from './console-context.js'
import { ConsolePage } from './console-layout.js'
import { RecordTable, when } from './records.js'

const LIMIT = 200

/**
 * Read-only operations pages: violations and plans of the tenant (newest first, 200 rows). The
 * keys page is keys.routes, billing events and the outbox billing.routes.
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

  return Promise.resolve()
}
