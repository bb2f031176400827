const MAX_OFFSET_MS = 400 * 86_400_000

/**
 * The licensing clock of the example: the wall clock plus an offset that a demo can move, so
 * "a week offline" or "ten minutes without the server" can be shown in seconds. The client
 * treats a lease as fresh for two heartbeat intervals but never less than ten minutes, which no
 * demo (or CI run) wants to sit through. Only wired to HTTP when `DEMO_CLOCK=1`.
 *
 * @example
 * ```ts
 * const clock = new DemoClock()
 * const license = await createLicenseClient({ ...opts, now: clock.now })
 * clock.setOffset(15 * 60_000) // the app now lives 15 minutes in the future
 * ```
 */
export class DemoClock {
  #offsetMs = 0

  /** Milliseconds since the epoch, shifted by the offset (bound: pass it around freely). */
  readonly now = (): number => Date.now() + this.#offsetMs

  get offsetMs(): number {
    return this.#offsetMs
  }

  /**
   * Sets the offset (0 = real time). Returns false, changing nothing, for a negative or absurd
   * value: winding the clock back is what `clock_tampered` exists to catch.
   */
  setOffset(ms: number): boolean {
    if (!Number.isFinite(ms) || ms < 0 || ms > MAX_OFFSET_MS) return false
    this.#offsetMs = Math.round(ms)
    return true
  }
}
