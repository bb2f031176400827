/**
 * One in-flight load per key: callers asking for a key that is already being loaded share that
 * promise instead of starting their own. Keeps a cache expiry from turning into one database
 * query per concurrent request (a herd that queues on the pool and stalls every request).
 *
 * @example
 * ```ts
 * const loads = new SingleFlight<string, Row | undefined>()
 * const row = await loads.run(id, () => findRow(db, id))
 * ```
 */
export class SingleFlight<K, V> {
  readonly #inflight = new Map<K, Promise<V>>()

  /** `load()` for `key`, unless a load of it is running: then that one's result. */
  run(key: K, load: () => Promise<V>): Promise<V> {
    const running = this.#inflight.get(key)
    if (running) return running
    const started = load().finally(() => {
      if (this.#inflight.get(key) === started) this.#inflight.delete(key)
    })
    this.#inflight.set(key, started)
    return started
  }

  /** Later callers start a new load even if one is running (its data may predate a change). */
  forget(key: K): void {
    this.#inflight.delete(key)
  }

  /** Forgets every running load. */
  clear(): void {
    this.#inflight.clear()
  }
}
