import type { FastifyInstance } from 'fastify'
import type { Db } from '../db/database.js'
import { listTrials, type TrialStatus } from '../trials/list-trials.js'
import { h } from '../web/jsx.js'
import { PageError } from '../web/page-error.js'
import { sendPage } from '../web/web-scope.js'
import { requireStaffScope } from './console-context.js'
import { ConsolePage } from './console-layout.js'
import { RecordTable } from './records.js'
import { StatusFilter } from './status-filter.js'

const PAGE_SIZE = 50
const STATUSES: readonly TrialStatus[] = ['active', 'converted', 'expired']
const CURSOR = /^[A-Za-z0-9_-]{1,80}$/

/** Names of a page's customers and plans (tenant-scoped; at most one page of ids each). */
async function namesOf(
  db: Db,
  tenantId: string,
  table: 'customers' | 'plans',
  ids: string[],
): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map()
  const rows = await db
    .selectFrom(table)
    .select(['id', 'name'])
    .where('tenant_id', '=', tenantId)
    .where('id', 'in', [...new Set(ids)])
    .execute()
  return new Map(rows.map((r) => [r.id, r.name]))
}

/**
 * Console page `/console/trials` (licenses:read, like `GET /v1/admin/trials`): the tenant's
 * trials from the API's `listTrials` — customer, plan, status (active / converted / expired,
 * decided by the service), end — filtered by status, newest first with keyset paging.
 *
 * @example
 * ```ts
 * await inner.register(consoleTrialRoutes)
 * ```
 */
export function consoleTrialRoutes(app: FastifyInstance): Promise<void> {
  const { db, now } = app.tollgate
  app.get<{ Querystring: { status?: string; before?: string } }>(
    '/trials',
    async (request, reply) => {
      requireStaffScope(request, 'licenses:read')
      const rawStatus = typeof request.query.status === 'string' ? request.query.status : ''
      const rawBefore = typeof request.query.before === 'string' ? request.query.before : ''
      if (rawStatus !== '' && !(STATUSES as readonly string[]).includes(rawStatus)) {
        throw new PageError('BAD_INPUT', `Status must be one of: ${STATUSES.join(', ')}`)
      }
      if (rawBefore !== '' && !CURSOR.test(rawBefore)) {
        throw new PageError('BAD_INPUT', 'The page link is not valid')
      }
      const status = rawStatus === '' ? undefined : (rawStatus as TrialStatus)
      const tenantId = request.staff.tenant_id
      const { items, next } = await listTrials(
        db,
        tenantId,
        { status, before: rawBefore || undefined, limit: PAGE_SIZE },
        now(),
      )
      const customers = await namesOf(
        db,
        tenantId,
        'customers',
        items.map((i) => i.customerId),
      )
      const plans = await namesOf(
        db,
        tenantId,
        'plans',
        items.map((i) => i.planId),
      )
      const nextHref = next
        ? `/console/trials?${new URLSearchParams({ ...(status ? { status } : {}), before: next }).toString()}`
        : undefined
      return sendPage(
        reply,
        <ConsolePage request={request} title="Trials" current="/console/trials">
          <h1>Trials</h1>
          <StatusFilter
            action="/console/trials"
            statuses={STATUSES}
            status={status}
            anyLabel="Any"
            anySelected={status === undefined}
          />
          <RecordTable
            caption="Trials"
            id="trial-list"
            head={['Customer', 'Plan', 'Status', 'Ends at', 'License']}
            rows={items.map((i) => [
              <a href={`/console/customers/${i.customerId}`}>
                {customers.get(i.customerId) ?? i.customerId}
              </a>,
              plans.get(i.planId) ?? i.planId,
              <span class={`badge ${i.status}`}>{i.status}</span>,
              i.endsAt.replace('T', ' ').slice(0, 19),
              <a href={`/console/licenses/${i.licenseId}`} class="mono">
                {i.licenseId}
              </a>,
            ])}
          />
          {nextHref ? (
            <p class="pager">
              <a href={nextHref}>Older trials</a>
            </p>
          ) : null}
        </ConsolePage>,
      )
    },
  )
  return Promise.resolve()
}
