import type { FastifyBaseLogger } from 'fastify'

interface Job {
  timer: NodeJS.Timeout | undefined
  running: Promise<void> | undefined
}

/**
 * Periodic background jobs of a plugin: a pass never overlaps the previous one of the same job
 * (a slow pass skips ticks instead of piling up), failures are logged, and `stop()` waits for
 * passes in flight so none outlives the database pool.
 *
 * @example
 * ```ts
 * const jobs = new PeriodicJobs(app.log)
 * jobs.every(2000, 'webhook delivery', () => deliver())
 * app.addHook('onClose', () => jobs.stop())
 * ```
 */
export class PeriodicJobs {
  readonly #jobs: Job[] = []
  readonly #log: FastifyBaseLogger

  constructor(log: FastifyBaseLogger) {
    this.#log = log
  }

  /** Runs `run` every `ms` milliseconds (0 or less: never). */
  every(ms: number, name: string, run: () => Promise<unknown>): void {
    if (ms <= 0) return
    const job: Job = { timer: undefined, running: undefined }
    job.timer = setInterval(() => {
      if (job.running) return
      job.running = run()
        .then(() => undefined)
        .catch((err: unknown) => this.#log.warn({ err, job: name }, 'background job failed'))
        .finally(() => {
          job.running = undefined
        })
    }, ms)
    job.timer.unref()
    this.#jobs.push(job)
  }

  /** Stops the timers and waits for the passes in flight. */
  async stop(): Promise<void> {
    for (const job of this.#jobs) clearInterval(job.timer)
    await Promise.all(this.#jobs.map((job) => job.running ?? Promise.resolve()))
  }
}
