import type { Logger } from './types.js'

/**
 * Logs failed server rounds without flooding: the first failure of an outage at once, then at
 * most once per heartbeat interval, and a summary when the server answers again.
 *
 * @example
 * ```ts
 * const log = new FailureLog(logger)
 * log.failure ??= { message: 'License check-in failed', data: {} }
 * log.report(ok, Date.now(), 3600_000)
 * ```
 */
export class FailureLog {
  readonly #logger: Logger
  /** Failed rounds since the last success, and when the last one was logged. */
  #failedRounds = 0
  #lastFailureLog = 0
  /** The first failure of this round (logged through {@link FailureLog.report}, with backoff). */
  failure: { message: string; data: Record<string, unknown> } | undefined

  constructor(logger: Logger) {
    this.#logger = logger
  }

  /** Ends a round: `now` on the wall clock (ms), `intervalMs` the heartbeat interval. */
  report(ok: boolean, now: number, intervalMs: number): void {
    const logger = this.#logger
    if (ok) {
      if (this.#failedRounds > 0) {
        logger.info?.(
          { failedRounds: this.#failedRounds },
          `License server reachable again after ${this.#failedRounds} failed round(s)`,
        )
        if (logger.info === undefined) {
          logger.warn({ failedRounds: this.#failedRounds }, 'License server reachable again')
        }
      }
      this.#failedRounds = 0
      return
    }
    if (this.failure === undefined)
      this.failure = { message: 'License server round failed', data: {} }
    this.#failedRounds++
    if (this.#failedRounds === 1 || now - this.#lastFailureLog >= intervalMs) {
      this.#lastFailureLog = now
      logger.warn(
        { code: 'NETWORK_ERROR', failedRounds: this.#failedRounds, ...this.failure.data },
        this.#failedRounds === 1
          ? this.failure.message
          : `${this.failure.message} (${this.#failedRounds} failed rounds so far)`,
      )
    }
  }
}
