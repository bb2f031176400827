import { sql } from 'kysely'
import type { Db } from '../db/database.js'
import type { ChartPoint } from '../web/usage-chart.js'

const HOUR_MS = 3_600_000

/**
 * Deployments of the tenant by the UTC hour of their last contact (validation or heartbeat)
 * over the last 24 hours, oldest hour first, empty hours as zero: counted in the database.
 *
 * @example
 * ```ts
 * const points = await contactByHour(db, tenantId, now())
 * ```
 */
export async function contactByHour(db: Db, tenantId: string, now: Date): Promise<ChartPoint[]> {
  const end = Math.floor(now.getTime() / HOUR_MS) * HOUR_MS
  const start = new Date(end - 23 * HOUR_MS)
  const rows = await db
    .selectFrom('deployments')
    .select([
      sql<string>`to_char(date_trunc('hour', last_seen_at at time zone 'UTC'), 'YYYY-MM-DD"T"HH24')`.as(
        'hour',
      ),
      (eb) => eb.fn.countAll<string>().as('n'),
    ])
    .where('tenant_id', '=', tenantId)
    .where('last_seen_at', '>=', start)
    .groupBy(sql`1`)
    .execute()
  const byHour = new Map(rows.map((r) => [r.hour, Number(r.n)]))
  const points: ChartPoint[] = []
  for (let i = 0; i < 24; i++) {
    const key = new Date(start.getTime() + i * HOUR_MS).toISOString().slice(0, 13)
    points.push({
      label: `${key.replace('T', ' ')}:00`,
      tick: key.slice(11, 13),
      amount: byHour.get(key) ?? 0,
    })
  }
  return points
}
