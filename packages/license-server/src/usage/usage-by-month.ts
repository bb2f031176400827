import { sql } from 'kysely'
import type { Db } from '../db/database.js'

/** One metric's usage per calendar month (UTC), oldest first, with its limit if any. */
export interface MonthlyUsage {
  metric: string
  /** The license's limit of the same name (e.g. `users`), if it has one. */
  limit: number | null
  months: { month: string; amount: number }[]
}

/**
 * Usage of a license per metric per month for the last `months` months (including the current
 * one), gaps filled with zero so a chart has one bar per month. At most 20 metrics (a client
 * reporting more is shown its busiest 20).
 *
 * @example
 * ```ts
 * const usage = await usageByMonth(db, tenantId, license, { now, months: 12 })
 * ```
 */
export async function usageByMonth(
  db: Db,
  tenantId: string,
  license: { id: string; limits: Record<string, number> },
  opts: { now: Date; months: number },
): Promise<MonthlyUsage[]> {
  const monthKeys: string[] = []
  const d = new Date(Date.UTC(opts.now.getUTCFullYear(), opts.now.getUTCMonth(), 1))
  d.setUTCMonth(d.getUTCMonth() - (opts.months - 1))
  for (let i = 0; i < opts.months; i++) {
    monthKeys.push(d.toISOString().slice(0, 7))
    d.setUTCMonth(d.getUTCMonth() + 1)
  }
  const from = `${monthKeys[0]}-01`
  const rows = await db
    .selectFrom('usage_counters')
    .select([
      'metric',
      sql<string>`to_char(day, 'YYYY-MM')`.as('month'),
      sql<string>`sum(amount)`.as('amount'),
    ])
    .where('tenant_id', '=', tenantId)
    .where('license_id', '=', license.id)
    .where('day', '>=', sql<string>`${from}::date`)
    .groupBy(['metric', sql`to_char(day, 'YYYY-MM')`])
    .execute()
  const byMetric = new Map<string, Map<string, number>>()
  for (const r of rows) {
    const m = byMetric.get(r.metric) ?? new Map<string, number>()
    m.set(r.month, Number(r.amount))
    byMetric.set(r.metric, m)
  }
  const total = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0)
  return [...byMetric.entries()]
    .sort((a, b) => total(b[1]) - total(a[1]) || a[0].localeCompare(b[0]))
    .slice(0, 20)
    .sort((a, b) => a[0].localeCompare(b[0]))
    .map(([metric, m]) => ({
      metric,
      limit: Object.hasOwn(license.limits, metric) ? license.limits[metric]! : null,
      months: monthKeys.map((month) => ({ month, amount: m.get(month) ?? 0 })),
    }))
}
