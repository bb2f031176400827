/**
 * Runs tasks one at a time per key, in arrival order. Checkouts of one license serialise on its
 * row lock anyway; queueing them here first means one pooled connection per instance waits on
 * that lock instead of the whole pool (which would starve every other request). An entry lives
 * only while a task of its key is queued or running, so the map is bounded by requests in flight.
 *
 * @example
 * ```ts
 * const queue = new KeyedQueue()
 * await queue.run(licenseId, () => checkoutInTransaction())
 * ```
 */
export class KeyedQueue {
  readonly #tails = new Map<string, Promise<unknown>>()

  /** Runs `task` after the tasks of `key` queued before it. */
  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve()
    const result = previous.then(task, task)
    const tail = result.then(
      () => undefined,
      () => undefined,
    )
    this.#tails.set(key, tail)
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key)
    })
    return result
  }

  /** Keys with work queued or running. */
  get size(): number {
    return this.#tails.size
  }
}
