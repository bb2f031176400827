import { FileLock } from '../lib/file-lock.js'
import type { ClientStore, DirScan } from './storage.js'
import type { Logger } from './types.js'
import {
  MAX_AMOUNT,
  MAX_OPEN_COUNTERS,
  clone,
  copy,
  cutBatches,
  isUsageData,
  mergeOpen,
  sanitize,
  type UsageBatch,
  type UsageCounter,
  type UsageData,
} from './usage-batches.js'

export {
  MAX_AMOUNT,
  MAX_BATCH_BYTES,
  MAX_COUNTERS_PER_BATCH,
  MAX_OPEN_COUNTERS,
  METRIC_NAME,
  cutBatches,
  isUsageData,
  splitBatch,
  usagePeriod,
  validateUsage,
  type UsageBatch,
  type UsageCounter,
  type UsageData,
} from './usage-batches.js'

/** How long a process waits for another one to finish its update of the usage file. */
const LOCK_WAIT_MS = 5_000

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
  async load(scan?: DirScan): Promise<void> {
    // One read gives both the content and its stamp (no separate stat at start).
    const read = await this.#store.readStamped('usage', scan)
    const data = sanitize(
      await this.#store.decodeJson('usage', read?.text, isUsageData),
      this.#logger,
    )
    // Nothing read is the empty file ('' is the stamp of an absent one: an unreadable one
    // differs, and is looked at again at the next access, as before).
    this.#cache = { stamp: read?.stamp ?? '', data }
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
