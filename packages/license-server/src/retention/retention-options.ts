/** How long each growing table keeps rows (`FleetOptions`; docs/operations.md, "Retention"). */
export interface RetentionOptions {
  /** Audit rows older than this many days are exported, then pruned; 0 keeps them forever. */
  auditDays: number
  /** Where audit exports go (JSON lines, 0600); undefined with auditDays > 0: no pruning. */
  auditExportDir: string | undefined
  /**
   * Usage batch ids (exactly-once records) are kept this many days; a batch with a counter
   * period older than that is refused (USAGE_PERIOD_TOO_OLD), so a retry can never be counted
   * twice after its id was pruned.
   */
  usageBatchDays: number
  /** (license, address) sightings unseen for this many days are pruned. */
  addressDays: number
  /** Per-hour request counts (the console's chart) older than this many days are pruned. */
  requestCountDays: number
  /** Retention job period, ms (0: never on a timer). */
  intervalMs: number
}

/**
 * The defaults: audit kept forever, usage ids 400 days, addresses 30 days, request counts 90
 * days, hourly runs.
 */
export const DEFAULT_RETENTION: RetentionOptions = {
  auditDays: 0,
  auditExportDir: undefined,
  usageBatchDays: 400,
  addressDays: 30,
  requestCountDays: 90,
  intervalMs: 3_600_000,
}

const DAY_MS = 86_400_000

/**
 * The oldest counter period (`YYYY-MM-DD`) a usage batch may carry while its id is sure to be
 * remembered: ids are pruned `usageBatchDays` after receipt, and a batch counts days up to the
 * day it is sent, so a period at least this recent means any earlier copy is still on record.
 *
 * @example
 * ```ts
 * if (period < oldestUsagePeriod(new Date(), 400)) throw new AppError('USAGE_PERIOD_TOO_OLD')
 * ```
 */
export function oldestUsagePeriod(now: Date, usageBatchDays: number): string {
  return new Date(now.getTime() - (usageBatchDays - 1) * DAY_MS).toISOString().slice(0, 10)
}
