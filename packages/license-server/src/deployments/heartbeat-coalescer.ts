import type { Db } from '../db/database.js'
import { isDataError, writeHeartbeats } from './heartbeat-write.js'

/** The latest heartbeat of one deployment, as held until the next flush. */
export interface PendingHeartbeat {
  /** Server deployment id (`dep_...`). */
  id: string
  licenseId: string
  tenantId: string
  seenAt: Date
  appVersion: string | null
  address: string | null
  /** When the deployment counts as dead after this heartbeat (see `dead-deadline.ts`). */
  deadAfter: Date
  /**
   * True when the heartbeat was answered while the deployment held its seat: should a culler on
   * another instance have marked it dead before this heartbeat reached the database, the flush
   * gives the seat back instead of leaving a client that was told "active" dead.
   */
  revive: boolean
}

/** Options of {@link HeartbeatCoalescer}. */
export interface HeartbeatCoalescerOptions {
  /** Flush period, ms (default 1000). 0 disables the timer (tests flush by hand). */
  intervalMs?: number
  /** Rows per UPDATE statement (default 2000). */
  chunkSize?: number
  /** A flush starts early once this many deployments are pending (default 20000). */
  highWater?: number
  /** Called after each successful flush with what was written (key-sharing detection). */
  onFlushed?: (written: readonly PendingHeartbeat[]) => Promise<void> | void
  /**
   * Called when a flush fails (the entries stay pending and are retried) and once per row that
   * was quarantined (the database refused its data, see {@link HeartbeatCoalescer}).
   */
  onError?: (err: unknown) => void
}

/** Counters for /metrics and the bench. */
export interface CoalescerStats {
  recorded: number
  flushes: number
  statements: number
  rowsWritten: number
  failures: number
  /** Rows the database refused as data: written without their text fields, or dropped. */
  quarantined: number
}

/**
 * Coalesces heartbeats: keeps only the latest last-seen / version / address per deployment in
 * memory and writes them in one multi-row `UPDATE ... FROM unnest(...)` per chunk, on a timer
 * and on close. A fleet of N deployments costs at most ceil(N / chunkSize) statements per
 * interval, however often each one pings.
 *
 * Nothing acknowledged is lost on a graceful shutdown (`close()` flushes), a failed flush puts
 * its entries back (a newer heartbeat that arrived meanwhile wins), and the UPDATE never moves
 * `last_seen_at` backwards, so two instances flushing the same deployment cannot regress it.
 *
 * One bad row never stalls the batch: when the database refuses a chunk's data (SQLSTATE class
 * 22/23/54, e.g. text it cannot store), the chunk is split in halves until the refused row is
 * alone; that row is written once more without its free-text fields (the sighting still counts)
 * and else dropped, counted in `stats.quarantined`. Outages and other errors put everything back.
 *
 * @example
 * ```ts
 * const coalescer = new HeartbeatCoalescer(db, { intervalMs: 1000 })
 * coalescer.record({ id: 'dep_1', licenseId, tenantId, seenAt: new Date(), appVersion: '2.1.0', address: '10.0.0.7' })
 * await coalescer.close()
 * ```
 */
export class HeartbeatCoalescer {
  readonly #db: Db
  readonly #chunkSize: number
  readonly #highWater: number
  readonly #onFlushed: HeartbeatCoalescerOptions['onFlushed']
  readonly #onError: HeartbeatCoalescerOptions['onError']
  #pending = new Map<string, PendingHeartbeat>()
  #running: Promise<void> | undefined
  #again = false
  #timer: NodeJS.Timeout | undefined
  #closed = false
  readonly stats: CoalescerStats = {
    recorded: 0,
    flushes: 0,
    statements: 0,
    rowsWritten: 0,
    failures: 0,
    quarantined: 0,
  }

  constructor(db: Db, options: HeartbeatCoalescerOptions = {}) {
    this.#db = db
    this.#chunkSize = options.chunkSize ?? 2000
    this.#highWater = options.highWater ?? 20_000
    this.#onFlushed = options.onFlushed
    this.#onError = options.onError
    const intervalMs = options.intervalMs ?? 1000
    if (intervalMs > 0) {
      this.#timer = setInterval(() => void this.flush().catch(() => undefined), intervalMs)
      // A pending flush must not keep a process alive that is otherwise done.
      this.#timer.unref()
    }
  }

  /** Records a heartbeat in memory (no I/O). A later one for the same deployment replaces it. */
  record(hb: PendingHeartbeat): void {
    const prev = this.#pending.get(hb.id)
    this.stats.recorded += 1
    if (prev && prev.seenAt > hb.seenAt) return
    this.#pending.set(hb.id, {
      ...hb,
      // Keep what the newer ping did not say (a heartbeat without appVersion keeps the old one).
      appVersion: hb.appVersion ?? prev?.appVersion ?? null,
      address: hb.address ?? prev?.address ?? null,
    })
    if (this.#pending.size >= this.#highWater && !this.#running) {
      void this.flush().catch(() => undefined)
    }
  }

  /** The pending (not yet written) last-seen time of a deployment, if any. */
  pendingSeenAt(id: string): Date | undefined {
    return this.#pending.get(id)?.seenAt
  }

  /** Ids of every deployment with a pending heartbeat. */
  pendingIds(): string[] {
    return [...this.#pending.keys()]
  }

  /** Drops a pending entry (its deployment was deleted). */
  forget(id: string): void {
    this.#pending.delete(id)
  }

  /** Number of deployments waiting for the next flush. */
  get size(): number {
    return this.#pending.size
  }

  /**
   * Writes everything pending. Concurrent calls share one run; a call made while a run is in
   * progress triggers one more run, so on return everything recorded before the call is written.
   */
  async flush(): Promise<void> {
    if (this.#running) {
      // The run in progress makes one more pass, which picks up what was recorded until now.
      this.#again = true
      return this.#running
    }
    if (this.#pending.size === 0) return
    this.#running = this.#run().finally(() => {
      this.#running = undefined
    })
    return this.#running
  }

  async #run(): Promise<void> {
    do {
      this.#again = false
      if (this.#pending.size === 0) return
      const batch = [...this.#pending.values()]
      this.#pending = new Map()
      try {
        for (let i = 0; i < batch.length; i += this.#chunkSize) {
          await this.#writeIsolating(batch.slice(i, i + this.#chunkSize))
        }
        this.stats.flushes += 1
        this.stats.rowsWritten += batch.length
      } catch (err) {
        this.stats.failures += 1
        // Put everything back (rows already written are rewritten harmlessly); newer wins.
        for (const hb of batch) {
          const now = this.#pending.get(hb.id)
          if (!now || now.seenAt < hb.seenAt) this.#pending.set(hb.id, hb)
        }
        this.#onError?.(err)
        throw err
      }
      try {
        await this.#onFlushed?.(batch)
      } catch (err) {
        this.#onError?.(err)
      }
    } while (this.#again || (this.#closed && this.#pending.size > 0))
  }

  /** Writes a chunk; a data error is narrowed down by bisection to the row that caused it. */
  async #writeIsolating(rows: PendingHeartbeat[]): Promise<void> {
    try {
      await this.#write(rows)
      return
    } catch (err) {
      if (!isDataError(err)) throw err
      if (rows.length > 1) {
        const half = Math.ceil(rows.length / 2)
        await this.#writeIsolating(rows.slice(0, half))
        await this.#writeIsolating(rows.slice(half))
        return
      }
      this.stats.quarantined += 1
      this.#onError?.(err)
      const [row] = rows as [PendingHeartbeat]
      if (row.appVersion === null && row.address === null) return
      try {
        await this.#write([{ ...row, appVersion: null, address: null }])
      } catch (again) {
        if (!isDataError(again)) throw again
      }
    }
  }

  async #write(rows: PendingHeartbeat[]): Promise<void> {
    this.stats.statements += 1
    await writeHeartbeats(this.#db, rows)
  }

  /** Stops the timer and flushes what is pending (the app's onClose hook calls this). */
  async close(): Promise<void> {
    this.#closed = true
    if (this.#timer) clearInterval(this.#timer)
    this.#timer = undefined
    await this.flush()
  }
}
