import { NetworkError } from '../errors.js'
import { describe } from './core.js'
import type { MachineFingerprint } from './machine-fingerprint.js'
import { isUnknownDeployment, outcomeCode, refusalMeaning } from './sync-answers.js'
import { FailureLog } from './sync-failure-log.js'
import { refreshKeys, type KeySyncDeps } from './sync-keys.js'
import { refreshRevocations } from './sync-revocations.js'
import { flushUsage, type UsageSyncDeps } from './sync-usage.js'
import { ViolationQueue, type Violation } from './sync-violations.js'
import { RESPONSE_CAPS } from './transport.js'

/** What a round needs: the key refresh's and usage upload's needs, and these. */
export interface SyncDeps extends KeySyncDeps, UsageSyncDeps {
  /** This machine's fingerprint (computed once, on first use). */
  fingerprint: () => Promise<MachineFingerprint>
  /** Activate (carrying the fingerprint) rather than heartbeat on the first round. */
  activateFirst: boolean
  appVersion: string | undefined
  jwksUrl: string | undefined
}

/**
 * One round with the license server: activate (first start, or when the server forgot this
 * deployment) or heartbeat; then flush usage, refresh the revocation list when due, and report
 * violations. Never throws: failures are logged and the round reports false, which makes the
 * scheduler back off.
 */
export class ServerSync {
  readonly #d: SyncDeps
  readonly #violations = new ViolationQueue()
  /** Refresh the revocation list next round whatever its `nextUpdate`; the last ETag. */
  readonly #revocations: { force: boolean; etag: string | undefined }
  #refetchKeys = false
  #reachable = true
  #activateNext: boolean
  readonly #log: FailureLog

  constructor(deps: SyncDeps) {
    this.#d = deps
    this.#activateNext = deps.activateFirst
    this.#revocations = { force: deps.core.opts.offlineRevocations === true, etag: undefined }
    this.#log = new FailureLog(deps.logger)
  }

  /** Earliest next round the server asked for (Retry-After), ms on the wall clock. */
  retryAfterMs = 0

  #noteRetryAfter(err: unknown): void {
    if (err instanceof NetworkError && err.retryAfterS !== undefined) {
      this.retryAfterMs = Date.now() + err.retryAfterS * 1000
    }
  }

  /** Queues a violation report, sent with the next round. */
  reportViolation(v: Violation): void {
    this.#violations.add(v)
  }

  /**
   * Makes the next round refresh the revocation list whatever its `nextUpdate`, when the client
   * keeps one for offline use (an online client has its leases).
   */
  forceRevocations(): void {
    if (this.#d.core.opts.offlineRevocations === true) this.#revocations.force = true
  }

  async run(): Promise<boolean> {
    const { core } = this.#d
    const key = this.#d.token()
    // With a JWKS URL the keys may have been unreachable at start: fetch them first.
    if ((core.keys === null || this.#refetchKeys) && this.#d.jwksUrl !== undefined) {
      this.#refetchKeys = false
      await refreshKeys(this.#d)
    }
    if (key === undefined || core.license === null) {
      // Nothing the server could activate; not a network failure, so no backoff.
      core.evaluate()
      return true
    }
    let ok = false
    try {
      this.#reachable = true
      this.#log.failure = undefined
      ok = await this.#checkIn(key)
      if (ok) {
        await flushUsage(this.#d, key)
        await this.#violations.send(this.#d.transport, key, core.opts.deploymentId)
      }
      // An unreachable server would only make us wait out a second timeout.
      if (this.#reachable) await refreshRevocations(core, this.#d.transport, this.#revocations)
    } catch (err) {
      this.#log.failure ??= { message: `License server round failed: ${describe(err)}`, data: {} }
      this.#noteRetryAfter(err)
      ok = false
    }
    const intervalS = core.license?.claims.policy.heartbeatIntervalS ?? 3600
    this.#log.report(ok, core.opts.now(), intervalS * 1000)
    // What this round learned (lease, its clock skew, list) is on disk before the round reports
    // back: processes sharing the storage dir read it from there.
    await core.persistClock()
    await this.#d.store.flush()
    core.activating = false
    core.evaluate()
    return ok
  }

  async #checkIn(key: string): Promise<boolean> {
    const { core, transport } = this.#d
    const deploymentId = core.opts.deploymentId
    const heartbeat = core.lease !== null && !this.#activateNext
    let body: unknown
    try {
      body = heartbeat
        ? await transport.post(
            '/v1/deployments/heartbeat',
            { key, deploymentId, ...this.#version() },
            RESPONSE_CAPS.checkIn,
          )
        : await this.#activate(key)
    } catch (err) {
      if (heartbeat && err instanceof NetworkError && isUnknownDeployment(err)) {
        body = await this.#activate(key).catch((e: unknown) => this.#refused(e))
      } else {
        body = this.#refused(err)
      }
    }
    if (body === undefined) return false
    const lease = (body as { lease?: unknown }).lease
    if (typeof lease === 'string') {
      if (!core.acceptLease(lease, { fresh: true })) return this.#unknownKeyRetry(lease)
      core.refusal = null
      this.#activateNext = false
      if (core.lease?.status !== 'active') this.#revocations.force = true
      return true
    }
    // A 200 without a lease is a refusal expressed as an outcome ({ valid: false, code }).
    this.#refused(
      new NetworkError('Answer carried no lease', { status: 200, serverCode: outcomeCode(body) }),
    )
    return false
  }

  async #activate(key: string): Promise<unknown> {
    const { hostname, machineId, container } = await this.#d.fingerprint()
    const fingerprint = {
      hostname,
      machineId,
      container:
        container !== false ? container : process.env.KUBERNETES_SERVICE_HOST !== undefined,
    }
    return this.#d.transport.post(
      '/v1/deployments/activate',
      { key, deploymentId: this.#d.core.opts.deploymentId, fingerprint, ...this.#version() },
      RESPONSE_CAPS.checkIn,
    )
  }

  /** Maps a refusal to a state input; returns undefined so callers can `return` it. */
  #refused(err: unknown): undefined {
    const { core, logger } = this.#d
    const code = err instanceof NetworkError ? (err.serverCode ?? '') : ''
    this.#reachable = err instanceof NetworkError && err.status !== undefined
    const meaning = refusalMeaning(code)
    if (meaning.refusal) core.refusal = meaning.refusal
    if (meaning.refetchKeys) this.#refetchKeys = true
    if (meaning.forceRevocations) this.#revocations.force = true
    this.#noteRetryAfter(err)
    const data = { serverCode: code || undefined }
    if (this.#reachable) {
      logger.warn({ code: 'NETWORK_ERROR', ...data }, `License check-in failed: ${describe(err)}`)
    } else {
      // Unreachable: reported once per outage by the FailureLog, not every few seconds.
      this.#log.failure ??= { message: `License check-in failed: ${describe(err)}`, data }
    }
    return undefined
  }

  /** A lease signed by a key we do not know: with a JWKS URL the server may have rotated. */
  async #unknownKeyRetry(lease: string): Promise<boolean> {
    if (this.#d.jwksUrl === undefined) return false
    if (!(await refreshKeys(this.#d))) return false
    return this.#d.core.acceptLease(lease, { fresh: true })
  }

  #version(): { appVersion?: string } {
    return this.#d.appVersion === undefined ? {} : { appVersion: this.#d.appVersion }
  }
}
