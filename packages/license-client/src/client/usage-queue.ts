import { randomUUID } from 'node:crypto'

/** One counter of a usage batch: `amount` of `metric` during the UTC day `period`. */
export interface UsageCounter {
  metric: string
  amount: number
  /** UTC day, `YYYY-MM-DD`. */
  period: string
}

/** A sealed batch: its id is the server's idempotency key, so a resend is never double-counted. */
export interface UsageBatch {
  batchId: string
  counters: UsageCounter[]
}

/** What is persisted: counters still open for batching, and sealed batches not yet acknowledged. */
export interface UsageData {
  open: UsageCounter[]
  pending: UsageBatch[]
}

/** Oldest batches are dropped beyond this (logged): a bound on disk use over a long outage. */
export const MAX_PENDING_BATCHES = 1000
/** Counters per batch, as the server's API accepts them. */
export const MAX_COUNTERS_PER_BATCH = 1000
/** Metric names the server accepts (checked on record, so one bad name cannot block a batch). */
export const METRIC_NAME = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/

const isCounter = (c: unknown): c is UsageCounter => {
  const x = c as UsageCounter
  return (
    typeof x === 'object' &&
    x !== null &&
    typeof x.metric === 'string' &&
    typeof x.period === 'string' &&
    typeof x.amount === 'number' &&
    Number.isFinite(x.amount)
  )
}

/** Shape check for a persisted {@link UsageData}. */
export function isUsageData(d: unknown): d is UsageData {
  const x = d as UsageData
  return (
    typeof x === 'object' &&
    x !== null &&
    Array.isArray(x.open) &&
    x.open.every(isCounter) &&
    Array.isArray(x.pending) &&
    x.pending.every(
      (b) =>
        typeof b === 'object' &&
        b !== null &&
        typeof b.batchId === 'string' &&
        Array.isArray(b.counters) &&
        b.counters.every(isCounter),
    )
  )
}

/**
 * Usage counters, batched. `record` adds to the open counters; `seal` turns them into a batch
 * with a fresh id that is kept (and persisted) until the server acknowledges it, so a batch sent
 * before a crash is resent with the same id and counted once.
 */
export class UsageQueue {
  readonly #open = new Map<string, UsageCounter>()
  #pending: UsageBatch[] = []

  constructor(data?: UsageData) {
    for (const c of data?.open ?? []) this.record(c.metric, c.amount, c.period)
    this.#pending = data?.pending.map((b) => ({ ...b, counters: [...b.counters] })) ?? []
  }

  /** Adds `amount` to `metric` for the given UTC day. */
  record(metric: string, amount: number, period: string): void {
    const key = `${period}\u0000${metric}`
    const c = this.#open.get(key)
    if (c) c.amount += amount
    else this.#open.set(key, { metric, amount, period })
  }

  /** Seals open counters into a new batch; returns the batches awaiting acknowledgement. */
  seal(): { batches: readonly UsageBatch[]; dropped: number } {
    const open = [...this.#open.values()]
    this.#open.clear()
    for (let i = 0; i < open.length; i += MAX_COUNTERS_PER_BATCH) {
      this.#pending.push({
        batchId: randomUUID(),
        counters: open.slice(i, i + MAX_COUNTERS_PER_BATCH),
      })
    }
    const dropped = Math.max(0, this.#pending.length - MAX_PENDING_BATCHES)
    if (dropped > 0) this.#pending.splice(0, dropped)
    return { batches: [...this.#pending], dropped }
  }

  /** Forgets a batch the server accepted (or reported as a duplicate). */
  ack(batchId: string): void {
    this.#pending = this.#pending.filter((b) => b.batchId !== batchId)
  }

  /** True when nothing is open or pending. */
  get empty(): boolean {
    return this.#open.size === 0 && this.#pending.length === 0
  }

  /** The persisted form. */
  toJSON(): UsageData {
    return {
      open: [...this.#open.values()].map((c) => ({ ...c })),
      pending: this.#pending.map((b) => ({ ...b, counters: b.counters.map((c) => ({ ...c })) })),
    }
  }
}

/** The UTC day of a timestamp, `YYYY-MM-DD`. */
export function usagePeriod(nowMs: number): string {
  return new Date(nowMs).toISOString().slice(0, 10)
}
