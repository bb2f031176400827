import type { FastifyInstance } from 'fastify'
import { decodeCursor, encodeCursor } from '../lib/pagination.js'
import { h } from '../web/jsx.js'
import { PageError } from '../web/page-error.js'
import { sendPage } from '../web/web-scope.js'
import { requireStaffScope } from './console-context.js'
import { ConsolePage } from './console-layout.js'
import { RecordTable, when } from './records.js'

const PAGE_SIZE = 100
type Query = { actor?: string; action?: string; target?: string; since?: string; after?: string }
const text = (v: unknown): string => (typeof v === 'string' ? v.trim().slice(0, 200) : '')

/**
 * The audit log, filtered by actor, action, target id and time (newest first, keyset pages).
 *
 * @example
 * ```ts
 * await inner.register(consoleAuditRoutes)
 * ```
 */
export function consoleAuditRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app.tollgate
  app.get<{ Querystring: Query }>('/audit', async (request, reply) => {
    requireStaffScope(request, 'audit:read')
    const q = request.query
    const actor = text(q.actor)
    const action = text(q.action)
    const target = text(q.target)
    const since = text(q.since)
    let after: string | undefined
    let sinceDate: Date | undefined
    try {
      after = decodeCursor(text(q.after) || undefined)
    } catch {
      throw new PageError('BAD_INPUT', 'The page link is not valid')
    }
    if (since) {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(since))
        throw new PageError('BAD_INPUT', 'Since is a date (YYYY-MM-DD)')
      sinceDate = new Date(`${since}T00:00:00Z`)
      if (Number.isNaN(sinceDate.getTime()))
        throw new PageError('BAD_INPUT', 'Since is a date (YYYY-MM-DD)')
    }
    let query = db
      .selectFrom('audit_log')
      .select(['id', 'at', 'actor', 'action', 'target_type', 'target_id', 'ip'])
      .where('tenant_id', '=', request.staff.tenant_id)
    if (actor) query = query.where('actor', '=', actor)
    if (action) query = query.where('action', '=', action)
    if (target) query = query.where('target_id', '=', target)
    if (sinceDate) query = query.where('at', '>=', sinceDate)
    if (after) query = query.where('id', '<', after)
    const rows = await query
      .orderBy('id', 'desc')
      .limit(PAGE_SIZE + 1)
      .execute()
    const items = rows.slice(0, PAGE_SIZE)
    const params = new URLSearchParams({ actor, action, target, since })
    if (rows.length > PAGE_SIZE) params.set('after', encodeCursor(items[items.length - 1]!.id))
    return sendPage(
      reply,
      <ConsolePage request={request} title="Audit log" current="/console/audit">
        <h1>Audit log</h1>
        <form method="get" action="/console/audit" class="filters" role="search">
          <label>
            Actor
            <input name="actor" value={actor} placeholder="staff:stf_… or key:key_…" />
          </label>
          <label>
            Action
            <input name="action" value={action} placeholder="license.suspend" />
          </label>
          <label>
            Target id
            <input name="target" value={target} />
          </label>
          <label>
            Since
            <input type="date" name="since" value={since} />
          </label>
          <button type="submit">Filter</button>
        </form>
        <RecordTable
          caption="Entries"
          id="audit-entries"
          head={['When', 'Actor', 'Action', 'Target', 'IP']}
          rows={items.map((e) => [
            when(e.at),
            <span class="mono">{e.actor}</span>,
            e.action,
            <span class="mono">{`${e.target_type} ${e.target_id}`}</span>,
            e.ip ?? '—',
          ])}
        />
        {params.has('after') ? (
          <p class="pager">
            <a href={`/console/audit?${params.toString()}`}>Older entries</a>
          </p>
        ) : null}
      </ConsolePage>,
    )
  })
  return Promise.resolve()
}
