import type { Kysely } from 'kysely'
import type { Database } from '../db/database.js'
import { emitUsageLimitEvents } from './usage-limit-events.js'
import { addUsageCounters, claimUsageBatch, type UsageCounterInput } from './usage.repository.js'

/** A usage batch as the client sends it, resolved to its license. */
export interface UsageBatchInput {
  tenantId: string
  licenseId: string
  installId: string
  batchId: string
  counters: readonly UsageCounterInput[]
  now: Date
}

/** Outcome of {@link recordUsageBatch}: `accepted` means acknowledged (the client may forget it). */
export interface UsageBatchResult {
  accepted: true
  /** True when the batch id had been counted before: nothing was added this time. */
  duplicate: boolean
}

/**
 * Counts a usage batch exactly once. The idempotency row and the counter upserts commit in one
 * transaction, so a replay (to this instance or another one, even at the same moment) finds the
 * batch id taken and adds nothing, and a failure adds neither.
 *
 * @example
 * ```ts
 * const r = await recordUsageBatch(db, { tenantId, licenseId, installId, batchId, counters, now: new Date() })
 * r.duplicate // true on a resend
 * ```
 */
export async function recordUsageBatch(
  db: Kysely<Database>,
  input: UsageBatchInput,
): Promise<UsageBatchResult> {
  return db.transaction().execute(async (trx) => {
    const fresh = await claimUsageBatch(trx, { ...input, counters: input.counters.length })
    if (fresh) {
      await addUsageCounters(trx, input, input.counters)
      await emitUsageLimitEvents(trx, input, input.counters)
    }
    return { accepted: true, duplicate: !fresh }
  })
}
