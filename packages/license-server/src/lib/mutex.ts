/**
 * A FIFO async mutex. PGlite has a single connection, so everything that talks to it (and every
 * transaction, start to end) must hold this lock.
 */
export class Mutex {
  #tail: Promise<void> = Promise.resolve()

  /** Resolves once the lock is held; call the returned function to release it. */
  async lock(): Promise<() => void> {
    let release!: () => void
    const next = new Promise<void>((resolve) => {
      release = resolve
    })
    const previous = this.#tail
    this.#tail = previous.then(() => next)
    await previous
    return release
  }
}
