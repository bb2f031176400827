import { sql } from 'kysely'
import type { Db } from '../db/database.js'
import type { RequestKind } from './request-count.table.js'

const HOUR_MS = 3_600_000

/** Options of {@link RequestCounter}. */
export interface RequestCounterOptions {
  /** Flush period, ms (default 10000). 0 disables the timer (flush by hand / on close). */
  intervalMs?: number
  /**
   * Most (tenant, hour, kind) entries held in memory (default 10000). A new entry over the
   * bound starts a flush and its request goes uncounted (`stats.dropped`): the map stays
   * bounded even while the database is unreachable.
   */
  maxEntries?: number
  /** Called when a flush fails (the counts stay pending and are retried). */
  onError?: (err: unknown) => void
}

/** Counters for tests and /metrics. */
export interface RequestCounterStats {
  counted: number
  dropped: number
  flushes: number
  failures: number
}

interface Entry {
  tenantId: string
  hour: number
  kind: RequestKind
  count: number
}

/**
 * Counts validations and heartbeats per (tenant, UTC hour, kind) in memory and writes them with
 * one upsert per flush (`count = count + excluded.count`), on a timer and on close: the hot
 * paths never wait for, nor cause, a write per request. A failed flush puts its counts back
 * (within the bound); a graceful shutdown flushes what is pending. Counts are for a chart, so a
 * crash may lose the last interval, and they are never counted twice by one instance.
 *
 * @example
 * ```ts
 * const counter = new RequestCounter(db, { intervalMs: 10_000 })
 * counter.count(tenantId, 'validation', new Date())
 * await counter.close()
 * ```
 */
export class RequestCounter {
  readonly #db: Db
  readonly #maxEntries: number
  readonly #onError: RequestCounterOptions['onError']
  #pending = new Map<string, Entry>()
  #running: Promise<void> | undefined
  #timer: NodeJS.Timeout | undefined
  readonly stats: RequestCounterStats = { counted: 0, dropped: 0, flushes: 0, failures: 0 }

  constructor(db: Db, options: RequestCounterOptions = {}) {
    this.#db = db
    this.#maxEntries = options.maxEntries ?? 10_000
    this.#onError = options.onError
    const intervalMs = options.intervalMs ?? 10_000
    if (intervalMs > 0) {
      this.#timer = setInterval(() => void this.flush().catch(() => undefined), intervalMs)
      this.#timer.unref()
    }
  }

  /** Counts one request (no I/O). */
  count(tenantId: string, kind: RequestKind, at: Date, n = 1): void {
    const hour = Math.floor(at.getTime() / HOUR_MS) * HOUR_MS
    if (!this.#add({ tenantId, hour, kind, count: n })) {
      this.stats.dropped += n
      if (!this.#running) void this.flush().catch(() => undefined)
      return
    }
    this.stats.counted += n
  }

  /** Entries waiting for the next flush. */
  get size(): number {
    return this.#pending.size
  }

  /** Adds to an entry; false when it is new and the map is full. */
  #add(e: Entry): boolean {
    const key = `${e.tenantId}\u0000${e.hour}\u0000${e.kind}`
    const prev = this.#pending.get(key)
    if (prev) {
      prev.count += e.count
      return true
    }
    if (this.#pending.size >= this.#maxEntries) return false
    this.#pending.set(key, { ...e })
    return true
  }

  /** Writes what is pending; concurrent calls share the run in progress and then run again. */
  async flush(): Promise<void> {
    while (this.#running) await this.#running.catch(() => undefined)
    if (this.#pending.size === 0) return
    this.#running = this.#run().finally(() => {
      this.#running = undefined
    })
    return this.#running
  }

  async #run(): Promise<void> {
    const batch = [...this.#pending.values()]
    this.#pending = new Map()
    try {
      await upsertCounts(this.#db, batch)
      this.stats.flushes += 1
    } catch (err) {
      this.stats.failures += 1
      for (const e of batch) if (!this.#add(e)) this.stats.dropped += e.count
      this.#onError?.(err)
      throw err
    }
  }

  /** Stops the timer and flushes (the app's onClose hook calls this before the DB closes). */
  async close(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer)
    this.#timer = undefined
    await this.flush()
  }
}

/** One multi-row upsert; rows in key order so two instances lock them in the same order. */
async function upsertCounts(db: Db, batch: Entry[]): Promise<void> {
  const rows = batch.sort((a, b) =>
    a.tenantId !== b.tenantId
      ? a.tenantId < b.tenantId
        ? -1
        : 1
      : a.hour !== b.hour
        ? a.hour - b.hour
        : a.kind < b.kind
          ? -1
          : a.kind > b.kind
            ? 1
            : 0,
  )
  await sql`
    insert into request_counts (tenant_id, hour, kind, count)
    select * from unnest(${rows.map((r) => r.tenantId)}::text[],
                         ${rows.map((r) => new Date(r.hour).toISOString())}::timestamptz[],
                         ${rows.map((r) => r.kind)}::text[],
                         ${rows.map((r) => String(r.count))}::bigint[])
    on conflict (tenant_id, hour, kind)
    do update set count = request_counts.count + excluded.count
  `.execute(db)
}
