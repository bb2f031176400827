import {
  FeatureNotEntitledError,
  LicenseNotValidError,
  LimitExceededError,
  type LicenseError,
} from '../errors.js'
import { licensed, type LicensedOptions } from '../adapters/licensed.js'
import type { VerifiedLicense } from '../token/verified-license.js'
import type { ActivationRequest, MachineFileClaims } from '../offline/offline-formats.js'
import type { LicenseState } from './types.js'
import { shutDown } from './shut-down.js'
import type { ClientParts, LimitCheck } from './client-parts.js'
import { checkoutSeat } from './seats/checkout-seat.js'
import type { CheckoutSeatOptions, SeatHandle } from './seats/seat-handle.js'
import { recordValidUsage, refreshWithDeadline } from './client-actions.js'
import { callNamedUser, type NamedUserResult } from './named-users.js'

export type { ClientParts, LimitCheck } from './client-parts.js'

/** Usage is written to disk at most this long after it was recorded (and on close). */
const USAGE_PERSIST_DELAY_MS = 1_000

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
    if (!recordValidUsage(this.#p, metric, amount)) return false
    if (this.#usageTimer === undefined && !this.#closed) {
      this.#usageTimer = setTimeout(() => {
        this.#usageTimer = undefined
        void this.#p.usage.persist()
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
    return refreshWithDeadline(this.#p)
  }

  /**
   * Offline activation, step 1: writes an activation request (JSON, 0600) to `out` for the
   * vendor (CLI, portal or console), naming this license, deployment and machine fingerprint,
   * a nonce, and this deployment's public key for a later deactivation proof.
   *
   * @example
   * ```ts
   * await client.writeActivationRequest('/media/usb/acme-request.json')
   * ```
   */
  writeActivationRequest(out: string): Promise<ActivationRequest> {
    return this.#p.offline.writeRequest(out, this.#p.appVersion)
  }

  /**
   * Offline activation, step 2: installs a machine file (the text of `machine.lic`) after
   * checking its signature, license, expiry and that it names this machine. Throws
   * `MachineFileRefusedError` (`reason: 'deployment_mismatch'` for another machine's file).
   *
   * @example
   * ```ts
   * await client.activateOffline({ machineFile: await readFile('machine.lic', 'utf8') })
   * client.state.code // 'valid'
   * ```
   */
  async activateOffline(input: { machineFile: string }): Promise<MachineFileClaims> {
    const claims = await this.#p.offline.accept(input.machineFile)
    this.#p.core.evaluate()
    return claims
  }

  /**
   * Gives up this machine's offline seat: writes a deactivation proof (signed by this
   * deployment's own key) to `out` and stops using the machine file here. Bring the proof to
   * the vendor (CLI `tollgate activation deactivate`, portal) to free the seat.
   *
   * @example
   * ```ts
   * await client.deactivateOffline('/media/usb/acme-deactivation.jws')
   * ```
   */
  async deactivateOffline(out: string): Promise<string> {
    const proof = await this.#p.offline.deactivate(out)
    this.#p.core.evaluate()
    return proof
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
    await shutDown(this.#p, this.#seats)
  }

  // ---- Named users (issue 18) ----

  /**
   * Assigns a named user to the license (`limits.maxUsers`; re-assigning is free). Only
   * SHA-256(`<licenseId>:<userId>`) is sent. Rejects with `UserLimitReachedError` when the
   * license is full, `ConfigInvalidError` without a server or key, `NetworkError` otherwise.
   *
   * @example
   * ```ts
   * await client.assignUser(session.userId) // { assigned: true, used: 3, max: 10 }
   * ```
   */
  assignUser(userId: string): Promise<NamedUserResult> {
    const p = this.#p
    return callNamedUser(p.transport, p.token(), p.core.license, 'assign', userId)
  }

  /**
   * Releases a named user (frees the seat; releasing an unassigned user is a no-op).
   *
   * @example
   * ```ts
   * await client.releaseUser(removedUser.id) // { released: true, used: 2, max: 10 }
   * ```
   */
  releaseUser(userId: string): Promise<NamedUserResult> {
    const p = this.#p
    return callNamedUser(p.transport, p.token(), p.core.license, 'release', userId)
  }
}
