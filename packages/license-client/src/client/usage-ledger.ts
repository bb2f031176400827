import { randomUUID } from 'node:crypto'
import { FileLock } from '../lib/file-lock.js'
import type { ClientStore } from './storage.js'
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
/** How long a process waits for another one to finish its update of the usage file. */
const LOCK_WAIT_MS = 5_000

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

const keyOf = (c: UsageCounter): string => `${c.period}\u0000${c.metric}`

/**
 * Usage counters with exactly-once delivery. `record` adds to memory; `persist` merges memory
 * into the usage file; `takeBatches` seals the file's open counters into batches **and writes
 * them before returning them** (a batch id is on disk before its first send, so a crash can
 * only resend it under the same id); `settle` removes an acknowledged batch or replaces it by
 * its halves. Every file update runs under a lock file, so several processes on one storage
 * dir never lose each other's counts.
 */
export class UsageLedger {
  readonly #store: ClientStore
  readonly #logger: Logger
  readonly #lock: FileLock
  #delta = new Map<string, UsageCounter>()
  #deltaCount = 0
  #cache: { stamp: string; data: UsageData } | undefined

  constructor(store: ClientStore, logger: Logger) {
    this.#store = store
    this.#logger = logger
    this.#lock = new FileLock(store.path('stateLock'), 10_000)
  }

  /** Reads the usage file once at start, so a corrupt one is reported (and set aside) early. */
  async load(): Promise<void> {
    await this.#read()
  }

  /** Adds `amount` (already validated) to `metric` for the UTC day `period`, in memory. */
  record(metric: string, amount: number, period: string): boolean {
    const key = `${period}\u0000${metric}`
    const c = this.#delta.get(key)
    if (c && c.amount + amount <= MAX_AMOUNT) {
      c.amount += amount
    } else {
      if (this.#delta.size >= MAX_OPEN_COUNTERS) return false
      if (c) this.#delta.set(`${key}\u0000${this.#deltaCount}`, c) // full: keep it apart
      this.#delta.set(key, { metric, amount, period })
    }
    this.#deltaCount++
    return true
  }

  /** True when something was recorded since the last successful {@link persist}. */
  get dirty(): boolean {
    return this.#delta.size > 0
  }

  /** Merges what was recorded into the usage file. False (counts kept in memory) on failure. */
  async persist(): Promise<boolean> {
    if (this.#delta.size === 0) return true
    const delta = this.#delta
    this.#delta = new Map()
    const ok = await this.#update((data) => {
      mergeOpen(data.open, delta.values())
      return true
    })
    if (!ok) {
      // Put the counts back (merged with what was recorded meanwhile).
      const later = this.#delta
      this.#delta = delta
      for (const c of later.values()) this.record(c.metric, c.amount, c.period)
    }
    return ok
  }

  /**
   * The batches to send, all durably on disk. Open counters are sealed into new batches only
   * when no older batch is pending: while the usage endpoint fails, counts keep merging into the
   * open counters instead of piling up batches. Undefined when the file could not be written.
   */
  async takeBatches(): Promise<UsageBatch[] | undefined> {
    if (!(await this.persist())) return undefined
    let out: UsageBatch[] = []
    const ok = await this.#update((data) => {
      const seal = data.pending.length === 0 && data.open.length > 0
      if (seal) {
        data.pending = cutBatches(data.open)
        data.open = []
      }
      out = data.pending.map((b) => ({ batchId: b.batchId, counters: b.counters.map(copy) }))
      return seal
    })
    return ok ? out : undefined
  }

  /** Replaces an acknowledged or refused batch by `replacement` (none, or its halves). */
  settle(batchId: string, replacement: UsageBatch[]): Promise<boolean> {
    return this.#update((data) => {
      const i = data.pending.findIndex((b) => b.batchId === batchId)
      if (i < 0) return false // another process settled it
      data.pending.splice(i, 1, ...replacement)
      return true
    })
  }

  /** Read-modify-write of the usage file under the lock; `change` returns false for "no write". */
  async #update(change: (data: UsageData) => boolean): Promise<boolean> {
    if (!(await this.#lock.acquire(LOCK_WAIT_MS))) {
      this.#logger.warn(
        { code: 'STORAGE_ERROR', file: this.#lock.path },
        'Usage file is locked by another process for too long; retrying later',
      )
      return false
    }
    try {
      const data = await this.#read()
      if (!change(data)) return true
      const ok = await this.#store.writeJson('usage', data)
      this.#cache = ok ? { stamp: await this.#store.stamp('usage'), data: clone(data) } : undefined
      return ok
    } finally {
      await this.#lock.release()
    }
  }

  /** The file's content; parsed again only when it changed on disk since we last saw it. */
  async #read(): Promise<UsageData> {
    const stamp = await this.#store.stamp('usage')
    if (this.#cache !== undefined && this.#cache.stamp === stamp) return clone(this.#cache.data)
    const raw = await this.#store.readJson('usage', isUsageData)
    const data = sanitize(raw, this.#logger)
    this.#cache = { stamp, data: clone(data) }
    return data
  }
}

/** Drops counters the server would refuse (from an older version or a hand-edited file). */
function sanitize(raw: UsageData | undefined, logger: Logger): UsageData {
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
function mergeOpen(open: UsageCounter[], add: Iterable<UsageCounter>): void {
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

function copy(c: UsageCounter): UsageCounter {
  return { metric: c.metric, amount: c.amount, period: c.period }
}

function clone(d: UsageData): UsageData {
  return {
    open: d.open.map(copy),
    pending: d.pending.map((b) => ({ batchId: b.batchId, counters: b.counters.map(copy) })),
  }
}

/** The UTC day of a timestamp, `YYYY-MM-DD`. */
export function usagePeriod(nowMs: number): string {
  return new Date(nowMs).toISOString().slice(0, 10)
}
