import type { KeySet } from '../keys/key-set.js'
import type { LeaseClaims } from '../lease/types.js'
import { verifyLease } from '../lease/verify-lease.js'
import type { RevocationListClaims } from '../revocation/types.js'
import { HeldRevocations } from '../revocation/held-revocations.js'
import type { VerifiedLicense } from '../token/verified-license.js'
import { verifyLicense } from '../token/verify-license.js'
import { decideState, type StateInput } from './decide-state.js'
import type { CoreOptions } from './core-options.js'
import {
  clampSkew,
  codeOf,
  describe,
  isClock,
  monotonicMs,
  readCoreFiles,
  sameState,
  type ClockFile,
  type CoreFiles,
} from './core-support.js'

import { acceptRevocationDelta, acceptRevocationList } from './core-revocations.js'

export type { CoreOptions } from './core-options.js'
export { describe, monotonicMs, readCoreFiles, type CoreFiles } from './core-support.js'
import type { MachineState } from '../offline/offline-activation.js'
import type { LicenseState } from './types.js'

/** Persist the clock high-water mark at most this often (it is also written on close). */
const CLOCK_PERSIST_EVERY_S = 300

/**
 * The client's facts (verified license, lease, revocation list, trusted time, server refusal)
 * and the state derived from them. Every input is verified before it is kept; everything is
 * fed to {@link decideState}, the one place where policy lives.
 */
export class ClientCore {
  readonly opts: CoreOptions
  keys: KeySet | null = null
  license: VerifiedLicense | null = null
  licenseError = 'No license key'
  lease: LeaseClaims | null = null
  /** The revocation list in force (the held list with its newest delta applied). */
  revocations: RevocationListClaims | null = null
  readonly heldRevocations = new HeldRevocations()
  refusal: StateInput['refusal'] = null
  /** True while a fresh deployment's first activation is in flight. */
  activating = false
  /** Offline activation (a machine file), when this install uses or requires one. */
  machine: MachineState | undefined = undefined
  /** The features of the current state: what `hasFeature` reads. */
  features: ReadonlySet<string> = new Set()
  #trustedTime = 0
  #persistedTime = 0
  /** Signed server time (s) and the monotonic time (ms) at which it was received. */
  #anchor: { serverTime: number; mono: number } | undefined
  /** Wall clock minus server time at the last fresh lease, seconds. */
  #leaseSkewS = 0
  #state: LicenseState | undefined

  constructor(opts: CoreOptions) {
    this.opts = opts
  }

  get state(): LicenseState {
    return this.#state ?? this.evaluate()
  }

  /**
   * Trusted time, unix seconds: the newest signed server time plus the time elapsed since on
   * the monotonic clock (never the wall clock: one that ran ahead and was corrected must not
   * leave a mark that locks an honest customer out).
   */
  get trustedTime(): number {
    if (this.#anchor !== undefined) {
      const elapsed = Math.floor((monotonicMs() - this.#anchor.mono) / 1000)
      this.#trustedTime = Math.max(this.#trustedTime, this.#anchor.serverTime + elapsed)
    }
    return this.#trustedTime
  }

  /** Wall clock minus server time when the held lease was received, seconds. */
  get leaseSkewS(): number {
    return this.#leaseSkewS
  }

  /** Verifies the key (time is judged by decideState, not here). */
  setToken(token: string | undefined, missingReason?: string): void {
    this.license = null
    if (token === undefined) {
      this.licenseError = missingReason ?? 'No license key'
    } else if (this.keys === null) {
      this.licenseError = 'No verification keys available'
    } else {
      try {
        this.license = verifyLicense(token, this.keys, {
          ignoreExpiry: true,
          ignoreNotBefore: true,
        })
      } catch (err) {
        this.licenseError = describe(err)
      }
    }
  }

  /**
   * Loads the persisted lease, revocation list and clock; bad files are reported and replaced.
   * `files` may have been read ahead (see {@link readCoreFiles}): they are judged here, in order.
   */
  async load(files: Promise<CoreFiles> = readCoreFiles(this.opts.store)): Promise<void> {
    const { store } = this.opts
    const read = await files
    const clock = await store.decodeJson('clock', read.clock, isClock)
    this.#trustedTime = this.#persistedTime = clock?.highWater ?? 0
    const lease = read.lease
    if (lease !== undefined && !this.acceptLease(lease, { fresh: false, persist: false })) {
      await store.discard('lease', 'not a valid lease')
    }
    if (this.lease !== null && clock?.leaseServerTime === this.lease.serverTime) {
      this.#leaseSkewS = clampSkew(clock.leaseSkewS ?? 0)
    }
    const list = read.revocations
    if (list !== undefined && !this.acceptRevocationList(list, 'storage', false)) {
      await store.discard('revocations', 'not a valid revocation list')
    }
    const delta = read.revocationsDelta
    if (delta !== undefined && !this.acceptRevocationDelta(delta, 'storage', false)) {
      await store.discard('revocationsDelta', 'not a valid revocation delta for the held list')
    }
  }

  /**
   * Picks up what the owning process wrote (another process on the same storage dir runs the
   * heartbeats): a newer lease, its clock skew, a newer revocation list.
   */
  async reloadShared(): Promise<void> {
    const { store } = this.opts
    const lease = await store.readText('lease')
    if (lease !== undefined) this.acceptLease(lease, { fresh: false, persist: false })
    const clock = await store.readJson('clock', isClock)
    if (
      clock !== undefined &&
      this.lease !== null &&
      clock.leaseServerTime === this.lease.serverTime
    ) {
      this.#leaseSkewS = clampSkew(clock.leaseSkewS ?? 0)
    }
    const list = await store.readText('revocations')
    if (list !== undefined) this.acceptRevocationList(list, 'storage', false)
  }

  /**
   * Keeps a lease if it verifies, names this license and deployment, and is not older than the
   * one held (so a replayed old lease cannot undo a revocation). A `fresh` lease (just received
   * from the server) also resets trusted time to the server's signed clock, which is how a
   * clock that once ran ahead recovers. Returns false when the lease was refused.
   */
  acceptLease(jws: string, how: { fresh: boolean; persist?: boolean }): boolean {
    if (this.keys === null) return false
    let lease: LeaseClaims
    try {
      lease = verifyLease(jws, this.keys)
    } catch (err) {
      this.opts.logger.warn({ code: codeOf(err) }, `Refused a lease: ${describe(err)}`)
      return false
    }
    if (this.license !== null && lease.lid !== this.license.id) return false
    if (lease.deployment !== this.opts.deploymentId) return false
    if (this.lease !== null && lease.serverTime < this.lease.serverTime) return how.fresh
    if (this.lease !== null && lease.serverTime === this.lease.serverTime && !how.fresh) return true
    this.lease = lease
    if (how.fresh) {
      // Freshness is judged from the moment of receipt: remember how far the wall clock is off.
      this.#anchor = { serverTime: lease.serverTime, mono: monotonicMs() }
      this.#trustedTime = lease.serverTime
      this.#leaseSkewS = clampSkew(Math.floor(this.opts.now() / 1000) - lease.serverTime)
      this.#persistedTime = -1 // the skew belongs with this lease: write the clock file
    } else if (lease.serverTime > this.#trustedTime) {
      this.#trustedTime = lease.serverTime
    }
    if (how.persist !== false) void this.opts.store.writeText('lease', jws)
    return true
  }

  /** Keeps a revocation list if it verifies and is newer (by `iat`) than the one held. */
  acceptRevocationList(jws: string, source: string, persist = true): boolean {
    return acceptRevocationList(this, jws, source, persist)
  }

  /** Applies a revocation delta to the held list if it verifies and fits it; false if refused. */
  acceptRevocationDelta(jws: string, source: string, persist = true): boolean {
    return acceptRevocationDelta(this, jws, source, persist)
  }

  /** Re-derives the state from the facts; emits a change when it differs. */
  evaluate(): LicenseState {
    const now = this.opts.now()
    const input: StateInput = {
      claims: this.license?.claims ?? null,
      licenseError: this.licenseError,
      lease: this.lease,
      revocations: this.revocations,
      trustedTime: this.trustedTime,
      leaseSkewS: this.#leaseSkewS,
      now,
      deploymentId: this.opts.deploymentId,
      serverConfigured: this.opts.serverConfigured,
      refusal: this.refusal,
      clockToleranceS: this.opts.clockToleranceS,
      freeFeatures: this.opts.freeFeatures,
      activating: this.activating,
      machine: this.machine,
    }
    const next = decideState(input)
    const previous = this.#state
    if (previous !== undefined && sameState(previous, next)) return previous
    this.#state = next
    this.features = new Set(next.features)
    try {
      // The first state is reported too (`previous` is then the same object).
      this.opts.onChange(next, previous ?? next)
    } catch (err) {
      this.opts.logger.error({ err: describe(err) }, 'onStateChange threw; ignored')
    }
    return next
  }

  /** Writes the clock high-water mark when it moved enough (or always, when forced). */
  async persistClock(force = false): Promise<void> {
    const trusted = this.trustedTime
    if (!force && trusted - this.#persistedTime < CLOCK_PERSIST_EVERY_S) return
    if (trusted === this.#persistedTime) return
    this.#persistedTime = trusted
    const clock: ClockFile = {
      highWater: trusted,
      ...(this.lease === null
        ? {}
        : { leaseServerTime: this.lease.serverTime, leaseSkewS: this.#leaseSkewS }),
    }
    await this.opts.store.writeJson('clock', clock)
  }
}
