import {
  FeatureNotEntitledError,
  LicenseNotValidError,
  LimitExceededError,
  UsageInvalidError,
  type LicenseError,
} from '../errors.js'
import { licensed, type LicensedOptions } from '../adapters/licensed.js'
import type { VerifiedLicense } from '../token/verified-license.js'
import type { ClientCore } from './core.js'
import type { Scheduler } from './scheduler.js'
import type { ServerSync } from './server-sync.js'
import type { ClientStore } from './storage.js'
import type { Transport } from './transport.js'
import type { LicenseState, Logger } from './types.js'
import { checkoutSeat } from './seats/checkout-seat.js'
import type { SeatApi } from './seats/seat-api.js'
import type { CheckoutSeatOptions, SeatHandle } from './seats/seat-handle.js'
import { usagePeriod, validateUsage, type UsageLedger } from './usage-ledger.js'

/** Usage is written to disk at most this long after it was recorded (and on close). */
const USAGE_PERSIST_DELAY_MS = 1_000

/** The answer of {@link LicenseClient.checkLimit}. */
export interface LimitCheck {
  /** True when `current` is within the limit (or the metric is unlimited). */
  allowed: boolean
  metric: string
  /** The limit in force; `undefined` means unlimited. */
  limit: number | undefined
  current: number
  /** How much more is allowed; `undefined` when unlimited. */
  remaining: number | undefined
}

/** @internal wiring handed over by {@link createLicenseClient}. */
export interface ClientParts {
  core: ClientCore
  store: ClientStore
  usage: UsageLedger
  logger: Logger
  strictUsage: boolean
  /** Stops the client's own timers (owner lock, follower reloads). */
  stop: () => Promise<void>
  freeLimits: Readonly<Record<string, number>>
  transport: Transport | undefined
  sync: ServerSync | undefined
  scheduler: Scheduler | undefined
  tick: () => Promise<void>
  checkIntervalMs: number
  refreshDeadlineMs: number
  /** Floating seat calls (issue 18); undefined without a server. */
  seats?: SeatApi | undefined
}

/** close() waits at most this long for held seats to check in before aborting the calls. */
const SEAT_RELEASE_ON_CLOSE_MS = 2_000

/**
 * A running license client: feature gates answered in O(1) from the current state, usage
 * recording, background heartbeats. Made by {@link createLicenseClient}. Nothing here throws into
 * the host app except `requireFeature` / `requireLimit`, which exist to throw.
 *
 * @example
 * ```ts
 * const client = await createLicenseClient({ publicKeys: jwks, storageDir: '.tollgate' })
 * if (client.hasFeature('sso')) mountSso()
 * client.recordUsage('api_calls', 1)
 * ```
 */
export class LicenseClient {
  readonly #p: ClientParts
  readonly #ticker: NodeJS.Timeout
  #usageTimer: NodeJS.Timeout | undefined
  #closed: Promise<void> | undefined
  readonly #seats = new Set<SeatHandle>()

  /** @internal use {@link createLicenseClient}. */
  constructor(parts: ClientParts) {
    this.#p = parts
    this.#ticker = setInterval(() => void parts.tick(), parts.checkIntervalMs)
    this.#ticker.unref()
  }

  /** The current state: code, reason, days left, features. */
  get state(): LicenseState {
    return this.#p.core.state
  }

  /** This deployment's id (sent to the server, bound into leases). */
  get deploymentId(): string {
    return this.#p.core.opts.deploymentId
  }

  /** The verified license, or null when the key is missing or failed verification. */
  get license(): VerifiedLicense | null {
    return this.#p.core.license
  }

  /** True when the feature is usable in the current state. O(1), no I/O. */
  hasFeature(name: string): boolean {
    return this.#p.core.features.has(name)
  }

  /**
   * Throws when the feature is not usable: {@link FeatureNotEntitledError} (the plan lacks it) or
   * {@link LicenseNotValidError} (the license is in a restricted state).
   */
  requireFeature(name: string): void {
    if (this.#p.core.features.has(name)) return
    throw this.denial(name)
  }

  /**
   * The typed error `requireFeature` throws for a feature: LICENSE_NOT_VALID in a restricted
   * state (the license itself is the problem), else FEATURE_NOT_ENTITLED (the plan lacks it).
   */
  denial(name: string): LicenseError {
    const state = this.#p.core.state
    return state.restricted
      ? new LicenseNotValidError(name, state.code, state.reason)
      : new FeatureNotEntitledError(name, state.code)
  }

  /**
   * Wraps `fn` so it runs only while `feature` is usable; see {@link licensed} for the options.
   *
   * @example
   * ```ts
   * const exportPdf = client.licensed('pdf_export', renderPdf)
   * ```
   */
  licensed<A extends unknown[], R>(
    feature: string,
    fn: (...args: A) => R,
    opts?: LicensedOptions<A, R>,
  ): (...args: A) => R {
    return licensed(this, feature, fn, opts)
  }

  /**
   * The limit for a metric in the current state: the license's limit (undefined = unlimited)
   * while unrestricted; `freeLimits[metric] ?? 0` in restricted states.
   */
  limit(metric: string): number | undefined {
    const { core, freeLimits } = this.#p
    if (core.state.restricted) return freeLimits[metric] ?? 0
    return core.license?.limit(metric) ?? freeLimits[metric]
  }

  /** Whether `current` (e.g. the user count after adding one) is within the limit. */
  checkLimit(metric: string, current: number): LimitCheck {
    const limit = this.limit(metric)
    const allowed = limit === undefined || current <= limit
    return {
      allowed,
      metric,
      limit,
      current,
      remaining: limit === undefined ? undefined : Math.max(0, limit - current),
    }
  }

  /** Like {@link checkLimit} but throws {@link LimitExceededError} when over. */
  requireLimit(metric: string, current: number): void {
    const check = this.checkLimit(metric, current)
    if (!check.allowed) throw new LimitExceededError(metric, check.limit ?? 0, current)
  }

  /**
   * Counts usage of a metric. Written to disk within a second (and on close, or at once with
   * {@link flushUsage}), kept there until the server acknowledges it, and sent in batches under
   * idempotency ids, so it survives outages, restarts and crashes and is counted once. Several
   * processes sharing the storage dir add to one count. A metric or amount the server would
   * refuse is skipped and logged, or throws {@link UsageInvalidError} with `strictUsage: true`.
   * Returns true when the usage was recorded.
   */
  recordUsage(metric: string, amount = 1): boolean {
    const { logger, usage } = this.#p
    const invalid = validateUsage(metric, amount)
    const recorded =
      invalid === undefined && usage.record(metric, amount, usagePeriod(this.#p.core.opts.now()))
    if (!recorded) {
      const reason = invalid ?? 'too many distinct metrics per day are waiting to be sent'
      if (this.#p.strictUsage) throw new UsageInvalidError(metric, amount, reason)
      logger.warn(
        { code: 'USAGE_INVALID', metric: String(metric).slice(0, 64), amount },
        `recordUsage ignored: ${reason}`,
      )
      return false
    }
    if (this.#usageTimer === undefined && !this.#closed) {
      this.#usageTimer = setTimeout(() => {
        this.#usageTimer = undefined
        void usage.persist()
      }, USAGE_PERSIST_DELAY_MS)
      this.#usageTimer.unref()
    }
    return true
  }

  /**
   * Writes recorded usage to disk now (it is otherwise written within a second). Resolves true
   * once it is durable; false when the disk refused (the counts stay in memory and are retried).
   */
  flushUsage(): Promise<boolean> {
    clearTimeout(this.#usageTimer)
    this.#usageTimer = undefined
    return this.#p.usage.persist()
  }

  /**
   * Contacts the server now (when configured), re-reads the revocation and key files, and
   * re-evaluates. Resolves with the new state; never rejects.
   */
  async refresh(): Promise<LicenseState> {
    if (this.#closed) return this.state
    this.#p.sync?.forceRevocations()
    const work = (async () => {
      await this.#p.tick()
      if (this.#p.scheduler) await this.#p.scheduler.runNow()
    })()
    // An overall deadline: a slow disk plus a slow server never hold the caller longer.
    let timer: NodeJS.Timeout | undefined
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.#p.refreshDeadlineMs)
      timer.unref()
    })
    await Promise.race([work, deadline])
    clearTimeout(timer)
    return this.#p.core.evaluate()
  }

  /**
   * Checks out a floating seat (the license's `policy.floating`): a handle that renews itself,
   * rides out a server outage until its lease runs out (then `offlineGraceS`), and frees the
   * seat with `release()` (also on `close()`). Rejects with SeatsExhaustedError,
   * SeatRefusedError, NetworkError or ConfigInvalidError.
   *
   * @example
   * ```ts
   * const seat = await client.checkoutSeat({ scope: `worker-${process.pid}`, offlineGraceS: 300 })
   * seat.on('lost', () => stopWorker())
   * ```
   */
  async checkoutSeat(opts: CheckoutSeatOptions): Promise<SeatHandle> {
    const seat = await checkoutSeat(this.#p.seats, opts)
    this.#seats.add(seat)
    seat.on('change', (state: string) => {
      if (state === 'released') this.#seats.delete(seat)
    })
    return seat
  }

  /** Stops timers, aborts calls in flight, and writes usage and trusted time to disk. */
  async close(): Promise<void> {
    this.#closed ??= this.#close()
    return this.#closed
  }

  async #close(): Promise<void> {
    clearInterval(this.#ticker)
    clearTimeout(this.#usageTimer)
    if (this.#seats.size > 0) {
      let timer: NodeJS.Timeout | undefined
      const cap = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, SEAT_RELEASE_ON_CLOSE_MS)
        timer.unref()
      })
      await Promise.race([Promise.all([...this.#seats].map((s) => s.release())), cap])
      clearTimeout(timer)
    }
    // Abort a call in flight first, so close() never waits out a request timeout.
    const stopping = this.#p.scheduler?.stop()
    await this.#p.transport?.close()
    await stopping
    await this.#p.usage.persist()
    await this.#p.core.persistClock(true)
    await this.#p.store.flush()
    await this.#p.stop()
  }
}
