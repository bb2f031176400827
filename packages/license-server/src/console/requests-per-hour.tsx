import type { Db } from '../db/database.js'
import { REQUEST_KINDS, type RequestKind } from '../request-counts/request-count.table.js'
import { requestsByHour } from '../request-counts/requests-by-hour.js'
import type { Html } from '../web/html.js'
import { h } from '../web/jsx.js'
import { BarChart } from '../web/usage-chart.js'

const TITLES: Record<RequestKind, string> = {
  validation: 'Validations per hour',
  heartbeat: 'Heartbeats per hour',
}

/**
 * The overview's true request charts: validations and heartbeats the tenant's clients made per
 * UTC hour over 24 h, read from `request_counts` (each instance flushes its in-memory counts
 * every few seconds, so the current hour may lag by one flush period).
 *
 * @example
 * ```tsx
 * {await RequestsPerHour({ db, tenantId: request.staff.tenant_id, now: now() })}
 * ```
 */
export async function RequestsPerHour(props: {
  db: Db
  tenantId: string
  now: Date
}): Promise<Html> {
  const series = await Promise.all(
    REQUEST_KINDS.map(async (kind) => ({
      kind,
      points: await requestsByHour(props.db, props.tenantId, kind, props.now),
    })),
  )
  return (
    <section id="requests-per-hour" aria-labelledby="requests-per-hour-title">
      <h2 id="requests-per-hour-title">Validations and heartbeats per hour (UTC, 24 h)</h2>
      <div class="grid">
        {series.map((s) => (
          <BarChart
            name={`requests-${s.kind}`}
            caption={`${TITLES[s.kind]} (total ${s.points.reduce((n, p) => n + p.amount, 0)})`}
            limit={null}
            points={s.points}
            tickEvery={3}
          />
        ))}
      </div>
    </section>
  )
}
