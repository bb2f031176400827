import type { Db } from '../db/database.js'
import type { ChartPoint } from '../web/usage-chart.js'
import type { RequestKind } from './request-count.table.js'

const HOUR_MS = 3_600_000

/**
 * Requests of one kind served to the tenant per UTC hour over the last `hours` hours (the
 * current one included), oldest first, empty hours as zero, read from `request_counts`. Counts
 * still in an instance's memory (up to one flush period) are not in it yet.
 *
 * @example
 * ```ts
 * const points = await requestsByHour(db, tenantId, 'validation', now())
 * ```
 */
export async function requestsByHour(
  db: Db,
  tenantId: string,
  kind: RequestKind,
  now: Date,
  hours = 24,
): Promise<ChartPoint[]> {
  const end = Math.floor(now.getTime() / HOUR_MS) * HOUR_MS
  const start = new Date(end - (hours - 1) * HOUR_MS)
  const rows = await db
    .selectFrom('request_counts')
    .select(['hour', 'count'])
    .where('tenant_id', '=', tenantId)
    .where('kind', '=', kind)
    .where('hour', '>=', start)
    .execute()
  const byHour = new Map(rows.map((r) => [new Date(r.hour).getTime(), Number(r.count)]))
  const points: ChartPoint[] = []
  for (let i = 0; i < hours; i++) {
    const at = start.getTime() + i * HOUR_MS
    const key = new Date(at).toISOString().slice(0, 13)
    points.push({
      label: `${key.replace('T', ' ')}:00`,
      tick: key.slice(11, 13),
      amount: byHour.get(at) ?? 0,
    })
  }
  return points
}
