import type { FastifyInstance, FastifyRequest } from 'fastify'
import { sql } from 'kysely'
import { findEvent } from '../billing/billing-event.repository.js'
import type { BillingEventStatus } from '../billing/billing.table.js'
import { retryBillingEvent } from '../billing/retry-billing-event.js'
import { h } from '../web/jsx.js'
import { CsrfField } from '../web/layout.js'
import { PageError } from '../web/page-error.js'
import { sendPage } from '../web/web-scope.js'
import { actorOf, can, requireStaffScope } from './console-context.js'
import { ConsolePage } from './console-layout.js'
import { RecordTable, when } from './records.js'
import { StatusFilter } from './status-filter.js'

const LIMIT = 200
const STATUSES: readonly BillingEventStatus[] = ['failed', 'received', 'processed', 'ignored']
const EVENT_ID = /^(bev|evt)_[0-9A-Za-z_-]{1,120}$/

type BillingQuery = { Querystring: { status?: string; retried?: string } }

/**
 * The billing page (`billing:read`): Stripe events (failed first, filter by status) and outbox
 * emails (failed first). `billing:write` retries a failed event through the admin API's service
 * (`retryBillingEvent`, the same handler a webhook redelivery runs, audited with the member as
 * actor) and a failed email (admin-actions.routes).
 *
 * @example
 * ```ts
 * await inner.register(consoleBillingRoutes)
 * ```
 */
export function consoleBillingRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app.tollgate

  const page = async (request: FastifyRequest<BillingQuery>) => {
    const tenantId = request.staff.tenant_id
    const raw = request.query.status
    const status = STATUSES.find((s) => s === raw)
    let q = db
      .selectFrom('billing_events')
      .select(['id', 'stripe_event_id', 'type', 'status', 'attempts', 'error', 'received_at'])
      .where('tenant_id', '=', tenantId)
    if (status) q = q.where('status', '=', status)
    const events = await q
      .orderBy(sql`status = 'failed'`, 'desc')
      .orderBy('id', 'desc')
      .limit(LIMIT)
      .execute()
    const retried =
      typeof request.query.retried === 'string' && EVENT_ID.test(request.query.retried)
        ? await findEvent(db, tenantId, request.query.retried)
        : undefined
    const outbox = await db
      .selectFrom('outbox_messages')
      .select(['id', 'kind', 'recipient', 'status', 'attempts', 'last_error', 'created_at'])
      .where('tenant_id', '=', tenantId)
      .orderBy(sql`status = 'failed'`, 'desc')
      .orderBy('id', 'desc')
      .limit(LIMIT)
      .execute()
    const retry = can(request, 'billing:write')
    const csrf = request.web.csrfToken
    const RetryButton = (p: { action: string; label: string }) => (
      <form method="post" action={p.action} class="inline">
        <CsrfField token={csrf} />
        <button type="submit" class="secondary" aria-label={p.label}>
          Retry
        </button>
      </form>
    )
    return (
      <ConsolePage request={request} title="Billing and outbox" current="/console/billing">
        <h1>Billing events</h1>
        {retried ? (
          <p class={retried.status === 'failed' ? 'alert error' : 'alert ok'} role="status">
            Retried {retried.stripe_event_id}: now {retried.status}
            {retried.error ? ` (${retried.error})` : ''}.
          </p>
        ) : null}
        <StatusFilter
          action="/console/billing"
          statuses={STATUSES}
          status={status}
          anyLabel="any"
          autosubmit
        />
        <RecordTable
          caption="Stripe events (failed first)"
          id="billing-events"
          head={['Received', 'Event', 'Type', 'Status', 'Attempts', 'Error', '']}
          rows={events.map((e) => [
            when(e.received_at),
            <span class="mono">{e.stripe_event_id}</span>,
            e.type,
            e.status,
            e.attempts,
            e.error ?? '',
            retry && e.status === 'failed' ? (
              <RetryButton
                action={`/console/billing/events/${e.id}/retry`}
                label={`Retry ${e.stripe_event_id}`}
              />
            ) : (
              ''
            ),
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
              <RetryButton action={`/console/billing/outbox/${m.id}/retry`} label="Retry email" />
            ) : (
              ''
            ),
          ])}
        />
      </ConsolePage>
    )
  }

  app.get<BillingQuery>('/billing', async (request, reply) => {
    requireStaffScope(request, 'billing:read')
    return sendPage(reply, await page(request))
  })

  app.post<{ Params: { id: string } }>('/billing/events/:id/retry', async (request, reply) => {
    const staff = requireStaffScope(request, 'billing:write')
    const id = request.params.id
    if (!EVENT_ID.test(id)) throw new PageError('NOT_FOUND', 'No such billing event')
    const after = await retryBillingEvent(
      db,
      staff.tenant_id,
      id,
      actorOf(request),
      app.billing.deps,
    )
    return reply.redirect(`/console/billing?retried=${encodeURIComponent(after.id)}`, 303)
  })
  return Promise.resolve()
}
