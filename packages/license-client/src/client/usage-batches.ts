// The usage file's data and the pure rules on it: validation, merging, cutting into batches.
import { randomUUID } from 'node:crypto'
import type { Logger } from './types.js'

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

/**
 * The usage file: counters still open for batching, and sealed batches not yet acknowledged.
 * The file is the one truth shared by every process on the storage dir; a process keeps in
 * memory only what it recorded since its last write (at most ~1 s of events).
 */
export interface UsageData {
  open: UsageCounter[]
  pending: UsageBatch[]
}

/** Largest amount of one counter, as the server's API accepts it. */
export const MAX_AMOUNT = 1e15
/** Counters per batch, as the server's API accepts them. */
export const MAX_COUNTERS_PER_BATCH = 1000
/** Serialized counters per batch: with a 16 KB key this stays under the server's 64 KB limit. */
export const MAX_BATCH_BYTES = 32 * 1024
/** Open counters (metric × day) kept; new metric-days beyond it are refused (logged). */
export const MAX_OPEN_COUNTERS = 50_000
/** Metric names the server accepts (checked on record, so one bad name cannot block a batch). */
export const METRIC_NAME = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/
const DAY = /^[12][0-9]{3}-[01][0-9]-[0-3][0-9]$/

/** Why {@link validateUsage} refused a recording, or undefined when it is acceptable. */
export function validateUsage(metric: unknown, amount: unknown): string | undefined {
  if (typeof metric !== 'string' || !METRIC_NAME.test(metric)) {
    return 'metric must match [A-Za-z0-9][A-Za-z0-9_.:-]{0,63}'
  }
  if (typeof amount !== 'number' || !Number.isFinite(amount) || amount <= 0) {
    return 'amount must be a finite number > 0'
  }
  if (amount > MAX_AMOUNT) return `amount must be at most ${MAX_AMOUNT}`
  return undefined
}

const isCounter = (c: unknown): c is UsageCounter => {
  const x = c as UsageCounter
  return (
    typeof x === 'object' &&
    x !== null &&
    typeof x.period === 'string' &&
    DAY.test(x.period) &&
    validateUsage(x.metric, x.amount) === undefined
  )
}

/** Shape check for a persisted {@link UsageData} (the counters are checked one by one). */
export function isUsageData(d: unknown): d is UsageData {
  const x = d as UsageData
  return (
    typeof x === 'object' &&
    x !== null &&
    Array.isArray(x.open) &&
    Array.isArray(x.pending) &&
    x.pending.every(
      (b) =>
        typeof b === 'object' &&
        b !== null &&
        typeof b.batchId === 'string' &&
        Array.isArray(b.counters),
    )
  )
}

/** The identity of a counter: one per metric and UTC day. */
export const keyOf = (c: UsageCounter): string => `${c.period}\u0000${c.metric}`

/** Drops counters the server would refuse (from an older version or a hand-edited file). */
export function sanitize(raw: UsageData | undefined, logger: Logger): UsageData {
  if (raw === undefined) return { open: [], pending: [] }
  let dropped = 0
  const keep = (cs: unknown[]): UsageCounter[] => {
    const ok = cs.filter(isCounter)
    dropped += cs.length - ok.length
    return ok.map(copy)
  }
  const data: UsageData = {
    open: keep(raw.open),
    pending: raw.pending
      .map((b) => ({ batchId: String(b.batchId), counters: keep(b.counters) }))
      .filter((b) => b.counters.length > 0),
  }
  if (dropped > 0) {
    logger.error({ code: 'STORAGE_ERROR', dropped }, 'Usage file held invalid counters; dropped')
  }
  return data
}

/** Adds counters into `open`, keeping every counter at or below {@link MAX_AMOUNT}. */
export function mergeOpen(open: UsageCounter[], add: Iterable<UsageCounter>): void {
  const index = new Map<string, UsageCounter>()
  for (const c of open) if (c.amount < MAX_AMOUNT) index.set(keyOf(c), c)
  for (const c of add) {
    const at = index.get(keyOf(c))
    if (at && at.amount + c.amount <= MAX_AMOUNT) {
      at.amount += c.amount
    } else {
      const fresh = copy(c)
      open.push(fresh)
      index.set(keyOf(fresh), fresh)
    }
  }
}

/** Cuts counters into batches that fit the server: count, serialized size, one per metric-day. */
export function cutBatches(counters: readonly UsageCounter[]): UsageBatch[] {
  const batches: UsageBatch[] = []
  let current: UsageCounter[] = []
  let keys = new Set<string>()
  let bytes = 0
  for (const c of counters) {
    const size = JSON.stringify(c).length + 1
    if (
      current.length >= MAX_COUNTERS_PER_BATCH ||
      bytes + size > MAX_BATCH_BYTES ||
      keys.has(keyOf(c))
    ) {
      batches.push({ batchId: randomUUID(), counters: current })
      current = []
      keys = new Set()
      bytes = 0
    }
    current.push(copy(c))
    keys.add(keyOf(c))
    bytes += size
  }
  if (current.length > 0) batches.push({ batchId: randomUUID(), counters: current })
  return batches
}

/**
 * The halves of a batch the server refused as a whole (400 for one counter, 413). Their ids
 * derive from the parent's, so a crash between splitting and sending yields the same ids.
 */
export function splitBatch(batch: UsageBatch): UsageBatch[] {
  const mid = Math.ceil(batch.counters.length / 2)
  return [
    { batchId: `${batch.batchId}.0`, counters: batch.counters.slice(0, mid) },
    { batchId: `${batch.batchId}.1`, counters: batch.counters.slice(mid) },
  ]
}

/** A counter detached from the one given. */
export function copy(c: UsageCounter): UsageCounter {
  return { metric: c.metric, amount: c.amount, period: c.period }
}

/** A deep copy of the usage data. */
export function clone(d: UsageData): UsageData {
  return {
    open: d.open.map(copy),
    pending: d.pending.map((b) => ({ batchId: b.batchId, counters: b.counters.map(copy) })),
  }
}

/** The UTC day of a timestamp, `YYYY-MM-DD`. */
export function usagePeriod(nowMs: number): string {
  return new Date(nowMs).toISOString().slice(0, 10)
}
