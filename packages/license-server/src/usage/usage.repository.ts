import { sql } from 'kysely'
import type { Db } from '../db/database.js'

/** One counter of a batch: `amount` of `metric` during the UTC day `period` (`YYYY-MM-DD`). */
export interface UsageCounterInput {
  metric: string
  amount: number
  period: string
}

/**
 * Claims a batch id of a license (ids are unique per license, not per tenant): inserts the
 * idempotency row unless it exists. True when this call inserted
 * it (the batch must be counted), false for a replay. Under concurrency the unique key makes the
 * second inserter wait for the first to commit and then see the conflict.
 */
export async function claimUsageBatch(
  db: Db,
  batch: {
    tenantId: string
    batchId: string
    licenseId: string
    installId: string
    counters: number
    now: Date
  },
): Promise<boolean> {
  const row = await db
    .insertInto('usage_batches')
    .values({
      tenant_id: batch.tenantId,
      batch_id: batch.batchId,
      license_id: batch.licenseId,
      install_id: batch.installId,
      counters: batch.counters,
      received_at: batch.now,
    })
    .onConflict((oc) => oc.columns(['license_id', 'batch_id']).doNothing())
    .returning('batch_id')
    .executeTakeFirst()
  return row !== undefined
}

/**
 * Adds counters to the per-day totals. Counters are merged by (metric, day) and written in key
 * order: one statement may not touch a row twice, and a fixed lock order keeps concurrent
 * batches of the same license from deadlocking.
 */
export async function addUsageCounters(
  db: Db,
  target: { tenantId: string; licenseId: string; now: Date },
  counters: readonly UsageCounterInput[],
): Promise<void> {
  const merged = new Map<string, { metric: string; day: string; amount: number }>()
  for (const c of counters) {
    const key = `${c.period}\u0000${c.metric}`
    const m = merged.get(key)
    if (m) m.amount += c.amount
    else merged.set(key, { metric: c.metric, day: c.period, amount: c.amount })
  }
  const rows = [...merged.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, r]) => r)
  if (rows.length === 0) return
  await sql`
    insert into usage_counters (tenant_id, license_id, metric, day, amount, updated_at)
    select ${target.tenantId}, ${target.licenseId}, v.metric, v.day, v.amount,
           ${target.now.toISOString()}::timestamptz
    from unnest(${rows.map((r) => r.metric)}::text[], ${rows.map((r) => r.day)}::date[],
                ${rows.map((r) => String(r.amount))}::numeric[]) as v(metric, day, amount)
    on conflict (license_id, metric, day) do update
      set amount = usage_counters.amount + excluded.amount, updated_at = excluded.updated_at
  `.execute(db)
}

/** One row of the usage report. */
export interface UsageDay {
  metric: string
  day: string
  amount: number
}

/** Usage of a license per metric and day, oldest day first. */
export async function queryUsage(
  db: Db,
  q: {
    tenantId: string
    licenseId: string
    metric?: string | undefined
    from?: string | undefined
    to?: string | undefined
    limit: number
  },
): Promise<UsageDay[]> {
  let query = db
    .selectFrom('usage_counters')
    .select(['metric', sql<string>`to_char(day, 'YYYY-MM-DD')`.as('day'), 'amount'])
    .where('tenant_id', '=', q.tenantId)
    .where('license_id', '=', q.licenseId)
  if (q.metric !== undefined) query = query.where('metric', '=', q.metric)
  if (q.from !== undefined) query = query.where('day', '>=', sql<string>`${q.from}::date`)
  if (q.to !== undefined) query = query.where('day', '<=', sql<string>`${q.to}::date`)
  const rows = await query.orderBy('day', 'asc').orderBy('metric', 'asc').limit(q.limit).execute()
  return rows.map((r) => ({ metric: r.metric, day: r.day, amount: Number(r.amount) }))
}
