/** First retry after a failed heartbeat; doubles per failure up to the heartbeat interval. */
export const BACKOFF_BASE_MS = 5_000
/** Heartbeats never run more often than this, whatever the policy says. */
export const MIN_INTERVAL_MS = 10_000

/**
 * Delay before the next heartbeat. After a success: the policy interval ±10 % (jitter spreads a
 * fleet restarted at once). After `failures` consecutive failures: exponential backoff from
 * {@link BACKOFF_BASE_MS}, capped at the interval, with jitter in [50 %, 100 %].
 */
export function nextDelayMs(intervalS: number, failures: number, random: number): number {
  const interval = Math.max(MIN_INTERVAL_MS, intervalS * 1000)
  if (failures <= 0) return Math.round(interval * (0.9 + 0.2 * random))
  const backoff = Math.min(interval, BACKOFF_BASE_MS * 2 ** Math.min(failures - 1, 30))
  return Math.round(backoff * (0.5 + 0.5 * random))
}

/** Arms a one-shot timer; the global `setTimeout` unless a test passes its own. */
export type SetTimer = (run: () => void, delayMs: number) => NodeJS.Timeout

/**
 * Runs `task` repeatedly on an unref'd timer (it never keeps the process alive), one run at a
 * time. `task` resolves true on success; it must not reject (a rejection counts as a failure).
 */
export class Scheduler {
  readonly #task: () => Promise<boolean>
  readonly #intervalS: () => number
  readonly #random: () => number
  /** Wall time (ms) before which no run starts, e.g. from a server's Retry-After. */
  notBefore: () => number = () => 0
  readonly #setTimer: SetTimer
  #timer: NodeJS.Timeout | undefined
  #failures = 0
  #running: Promise<void> | undefined
  #stopped = true

  /**
   * `setTimer` is looked up at each arm unless given; tests pass their own to see the timers
   * (spying on the global `setTimeout` leaks into other test files sharing the worker).
   */
  constructor(
    task: () => Promise<boolean>,
    intervalS: () => number,
    random = Math.random,
    setTimer: SetTimer = (run, delayMs) => setTimeout(run, delayMs),
  ) {
    this.#task = task
    this.#intervalS = intervalS
    this.#random = random
    this.#setTimer = setTimer
  }

  /** Consecutive failures so far. */
  get failures(): number {
    return this.#failures
  }

  /** True while the loop runs (between start and stop). */
  get running(): boolean {
    return !this.#stopped
  }

  /** Starts the loop; the first run happens after `firstDelayMs`. */
  start(firstDelayMs: number): void {
    this.#stopped = false
    this.#arm(firstDelayMs)
  }

  /** Runs the task now (joining a run in flight) and re-arms the timer after it. */
  async runNow(): Promise<void> {
    if (this.#running) return this.#running
    clearTimeout(this.#timer)
    this.#running = this.#run().finally(() => {
      this.#running = undefined
    })
    return this.#running
  }

  /** Stops the loop; resolves once a run in flight has finished. */
  async stop(): Promise<void> {
    this.#stopped = true
    clearTimeout(this.#timer)
    this.#timer = undefined
    await this.#running
  }

  async #run(): Promise<void> {
    let ok = false
    try {
      ok = await this.#task()
    } catch {
      ok = false
    }
    this.#failures = ok ? 0 : this.#failures + 1
    if (this.#stopped) return
    const delay = nextDelayMs(this.#intervalS(), this.#failures, this.#random())
    this.#arm(Math.max(delay, this.notBefore() - Date.now()))
  }

  #arm(delayMs: number): void {
    clearTimeout(this.#timer)
    this.#timer = this.#setTimer(() => void this.runNow(), delayMs)
    this.#timer.unref()
  }
}
