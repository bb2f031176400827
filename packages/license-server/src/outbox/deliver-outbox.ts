import type { Db } from '../db/database.js'
import type { MessageSender } from './message-sender.js'
import { claimDueMessages, markAttemptFailed, markSent } from './outbox.repository.js'

/** Retry policy of the outbox. */
export interface OutboxRetryPolicy {
  /** Attempts before a message is given up (`failed`). Default 8. */
  maxAttempts: number
  /** First retry delay, doubled each attempt. Default 30 s. */
  baseDelayMs: number
  /** Cap of the delay. Default 6 h. */
  maxDelayMs: number
  /** How long a claimed message is reserved for one send. Default 2 min. */
  leaseMs: number
}

/** The defaults of {@link OutboxRetryPolicy}. */
export const DEFAULT_RETRY: OutboxRetryPolicy = {
  maxAttempts: 8,
  baseDelayMs: 30_000,
  maxDelayMs: 6 * 3_600_000,
  leaseMs: 120_000,
}

/**
 * Delay before attempt `attempt + 1` (exponential, capped).
 *
 * @example
 * ```ts
 * backoffMs(1) // 30_000; backoffMs(2) // 60_000
 * ```
 */
export function backoffMs(attempt: number, policy: OutboxRetryPolicy = DEFAULT_RETRY): number {
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1))
}

/** Counts of one {@link deliverOutbox} run. */
export interface DeliveryReport {
  sent: number
  retried: number
  failed: number
}

/**
 * Delivers the due messages once: claims a batch (safe with several workers or instances),
 * sends each outside any transaction, then records sent / retry-later / given-up. Time comes
 * from `now` (the app clock), so tests drive retries without waiting.
 *
 * @example
 * ```ts
 * const report = await deliverOutbox(db, sender, { now: app.tollgate.now })
 * ```
 */
export async function deliverOutbox(
  db: Db,
  sender: MessageSender,
  opts: { now: () => Date; batch?: number; policy?: Partial<OutboxRetryPolicy> },
): Promise<DeliveryReport> {
  const policy = { ...DEFAULT_RETRY, ...opts.policy }
  const claimed = await claimDueMessages(db, {
    now: opts.now(),
    limit: opts.batch ?? 20,
    leaseMs: policy.leaseMs,
  })
  const report: DeliveryReport = { sent: 0, retried: 0, failed: 0 }
  for (const m of claimed) {
    try {
      if (m.body === null) throw new TypeError('message has no body')
      await sender.send({ id: m.id, to: m.recipient, subject: m.subject, text: m.body })
      await markSent(db, m.id, opts.now())
      report.sent += 1
    } catch (err) {
      const at = opts.now()
      const giveUp = m.attempts >= policy.maxAttempts
      await markAttemptFailed(db, m.id, {
        error: `${sender.name}: ${err instanceof Error ? err.message : String(err)}`,
        retryAt: giveUp ? null : new Date(at.getTime() + backoffMs(m.attempts, policy)),
        at,
      })
      if (giveUp) report.failed += 1
      else report.retried += 1
    }
  }
  return report
}
