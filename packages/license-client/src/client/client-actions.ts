import { UsageInvalidError } from '../errors.js'
import type { ClientParts } from './client-parts.js'
import type { LicenseState } from './types.js'
import { usagePeriod, validateUsage } from './usage-ledger.js'

/**
 * Counts usage in memory when the metric and amount are ones the server accepts; otherwise logs
 * and returns false, or throws {@link UsageInvalidError} with `strictUsage`.
 *
 * @example
 * ```ts
 * if (recordValidUsage(parts, 'api_calls', 1)) scheduleWrite()
 * ```
 */
export function recordValidUsage(p: ClientParts, metric: string, amount: number): boolean {
  const invalid = validateUsage(metric, amount)
  const recorded =
    invalid === undefined && p.usage.record(metric, amount, usagePeriod(p.core.opts.now()))
  if (recorded) return true
  const reason = invalid ?? 'too many distinct metrics per day are waiting to be sent'
  if (p.strictUsage) throw new UsageInvalidError(metric, amount, reason)
  p.logger.warn(
    { code: 'USAGE_INVALID', metric: String(metric).slice(0, 64), amount },
    `recordUsage ignored: ${reason}`,
  )
  return false
}

/**
 * One check now (files, then the server when configured) under an overall deadline, so a slow
 * disk plus a slow server never hold the caller longer; resolves with the state after it.
 *
 * @example
 * ```ts
 * const state = await refreshWithDeadline(parts)
 * ```
 */
export async function refreshWithDeadline(p: ClientParts): Promise<LicenseState> {
  p.sync?.forceRevocations()
  const work = (async () => {
    await p.tick()
    if (p.scheduler) await p.scheduler.runNow()
  })()
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, p.refreshDeadlineMs)
    timer.unref()
  })
  await Promise.race([work, deadline])
  clearTimeout(timer)
  return p.core.evaluate()
}
