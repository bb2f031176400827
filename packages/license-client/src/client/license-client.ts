import {
  FeatureNotEntitledError,
  LicenseNotValidError,
  LimitExceededError,
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
import { METRIC_NAME, usagePeriod, type UsageQueue } from './usage-queue.js'

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
  usage: UsageQueue
  logger: Logger
  freeLimits: Readonly<Record<string, number>>
  transport: Transport | undefined
  sync: ServerSync | undefined
  scheduler: Scheduler | undefined
  tick: () => Promise<void>
  persistUsage: () => Promise<void>
  checkIntervalMs: number
}

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
   * Counts usage of a metric. Kept on disk until the server acknowledges it, so it survives
   * outages and restarts; each batch is sent once under its own idempotency id.
   */
  recordUsage(metric: string, amount = 1): void {
    if (
      typeof metric !== 'string' ||
      !METRIC_NAME.test(metric) ||
      !(Number.isFinite(amount) && amount > 0)
    ) {
      this.#p.logger.warn(
        { metric: String(metric).slice(0, 64), amount },
        'recordUsage ignored: metric must match [A-Za-z0-9][A-Za-z0-9_.:-]{0,63} and amount be > 0',
      )
      return
    }
    this.#p.usage.record(metric, amount, usagePeriod(this.#p.core.opts.now()))
    if (this.#usageTimer === undefined) {
      this.#usageTimer = setTimeout(() => {
        this.#usageTimer = undefined
        void this.#p.persistUsage()
      }, USAGE_PERSIST_DELAY_MS)
      this.#usageTimer.unref()
    }
  }

  /**
   * Contacts the server now (when configured), re-reads the revocation and key files, and
   * re-evaluates. Resolves with the new state; never rejects.
   */
  async refresh(): Promise<LicenseState> {
    if (this.#closed) return this.state
    this.#p.sync?.forceRevocations()
    await this.#p.tick()
    if (this.#p.scheduler) await this.#p.scheduler.runNow()
    return this.#p.core.evaluate()
  }

  /** Stops timers, aborts calls in flight, and writes usage and trusted time to disk. */
  async close(): Promise<void> {
    this.#closed ??= this.#close()
    return this.#closed
  }

  async #close(): Promise<void> {
    clearInterval(this.#ticker)
    clearTimeout(this.#usageTimer)
    // Abort a call in flight first, so close() never waits out a request timeout.
    const stopping = this.#p.scheduler?.stop()
    await this.#p.transport?.close()
    await stopping
    await this.#p.persistUsage()
    await this.#p.core.persistClock(true)
    await this.#p.store.flush()
  }
}
