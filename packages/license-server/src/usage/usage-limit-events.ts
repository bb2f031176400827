import { sql } from 'kysely'
import type { Db } from '../db/database.js'
import { emitEvent } from '../events/emit-event.js'
import type { UsageCounterInput } from './usage.repository.js'

/**
 * After a batch was counted: emits `usage.limit_reached` for every metric of the batch whose
 * day total now meets or exceeds the license limit of the same name (e.g. a `apiCalls` limit
 * against the `apiCalls` counter). Once per license, metric and day (unique key), however many
 * batches cross it and however many instances count them.
 *
 * @example
 * ```ts
 * await emitUsageLimitEvents(trx, { tenantId, licenseId, now }, counters)
 * ```
 */
export async function emitUsageLimitEvents(
  db: Db,
  target: { tenantId: string; licenseId: string; now: Date },
  counters: readonly UsageCounterInput[],
): Promise<void> {
  const license = await db
    .selectFrom('licenses')
    .select('limits')
    .where('id', '=', target.licenseId)
    .executeTakeFirst()
  const limits = license?.limits ?? {}
  const watched = [...new Set(counters.map((c) => c.metric))].filter(
    (m) => typeof limits[m] === 'number' && limits[m] > 0,
  )
  if (watched.length === 0) return
  const days = [...new Set(counters.filter((c) => watched.includes(c.metric)).map((c) => c.period))]
  const { rows } = await sql<{ metric: string; day: string; amount: string }>`
    select metric, to_char(day, 'YYYY-MM-DD') as day, amount from usage_counters
    where license_id = ${target.licenseId} and metric = any(${watched}::text[])
      and day = any(${days}::date[])
  `.execute(db)
  for (const r of rows) {
    const limit = limits[r.metric]!
    if (Number(r.amount) < limit) continue
    await emitEvent(db, {
      tenantId: target.tenantId,
      type: 'usage.limit_reached',
      licenseId: target.licenseId,
      subjectType: 'license',
      subjectId: target.licenseId,
      data: {
        licenseId: target.licenseId,
        metric: r.metric,
        day: r.day,
        amount: Number(r.amount),
        limit,
      },
      at: target.now,
      dedupeKey: `usage-limit:${target.licenseId}:${r.metric}:${r.day}`,
    })
  }
}
