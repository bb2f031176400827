import { NetworkError } from '../errors.js'
import { KeySet } from '../keys/key-set.js'
import type { Jwks } from '../keys/types.js'
import { describe, type ClientCore } from './core.js'
import { fetchRevocations } from '../revocation/fetch-revocations.js'
import { MAX_REVOCATION_LIST_LENGTH } from '../revocation/types.js'
import type { ClientStore } from './storage.js'
import { RESPONSE_CAPS, type Transport } from './transport.js'
import type { Logger } from './types.js'
import type { MachineFingerprint } from './machine-fingerprint.js'
import { splitBatch, type UsageBatch, type UsageLedger } from './usage-ledger.js'

/** Server answers (error codes or statuses) that mean "this deployment may not run". */
const OVER_LIMIT = /DEPLOYMENT_LIMIT|MAX_DEPLOYMENTS|TOO_MANY_DEPLOYMENTS|OVER_LIMIT/i
const MISMATCH = /DEPLOYMENT_MISMATCH/i
/** Answers that mean "this deployment is unknown": activate again. */
const UNKNOWN_DEPLOYMENT = /DEPLOYMENT_NOT_FOUND|NOT_ACTIVATED|DEACTIVATED/i
/** Unsigned hints of a status change: confirmed only by a signed lease or revocation list. */
const STATUS_HINT = /REVOKED|SUSPENDED/i

export interface SyncDeps {
  core: ClientCore
  transport: Transport
  store: ClientStore
  usage: UsageLedger
  logger: Logger
  fingerprint: MachineFingerprint
  /** Activate (carrying the fingerprint) rather than heartbeat on the first round. */
  activateFirst: boolean
  token: () => string | undefined
  appVersion: string | undefined
  jwksUrl: string | undefined
  fetchJwks: () => Promise<Jwks>
}

interface Violation {
  kind: string
  severity: string
  details: Record<string, unknown>
}

/**
 * One round with the license server: activate (first start, or when the server forgot this
 * deployment) or heartbeat; then flush usage, refresh the revocation list when due, and report
 * violations. Never throws: failures are logged and the round reports false, which makes the
 * scheduler back off.
 */
export class ServerSync {
  readonly #d: SyncDeps
  readonly #violations: Violation[] = []
  #forceRevocations: boolean
  #reachable = true
  #activateNext: boolean
  /** Failed rounds since the last success, and when the last one was logged. */
  #failedRounds = 0
  #lastFailureLog = 0

  /** ETag of the last revocation answer (a refresh of an unchanged list is a bodiless 304). */
  #revocationsEtag: string | undefined

  constructor(deps: SyncDeps) {
    this.#d = deps
    this.#activateNext = deps.activateFirst
    this.#forceRevocations = deps.core.opts.offlineRevocations === true
  }

  /** The first failure of this round (logged through {@link #report}, with backoff). */
  #failure: { message: string; data: Record<string, unknown> } | undefined
  /** Earliest next round the server asked for (Retry-After), ms on the wall clock. */
  retryAfterMs = 0

  /**
   * Logs a round's failure without flooding: the first failure of an outage at once, then at
   * most once per heartbeat interval, and a summary when the server answers again.
   */
  #report(ok: boolean): void {
    const { logger, core } = this.#d
    const now = core.opts.now()
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
    if (this.#failure === undefined)
      this.#failure = { message: 'License server round failed', data: {} }
    this.#failedRounds++
    const intervalMs = (core.license?.claims.policy.heartbeatIntervalS ?? 3600) * 1000
    if (this.#failedRounds === 1 || now - this.#lastFailureLog >= intervalMs) {
      this.#lastFailureLog = now
      logger.warn(
        { code: 'NETWORK_ERROR', failedRounds: this.#failedRounds, ...this.#failure.data },
        this.#failedRounds === 1
          ? this.#failure.message
          : `${this.#failure.message} (${this.#failedRounds} failed rounds so far)`,
      )
    }
  }

  #noteRetryAfter(err: unknown): void {
    if (err instanceof NetworkError && err.retryAfterS !== undefined) {
      this.retryAfterMs = Date.now() + err.retryAfterS * 1000
    }
  }

  /** Queues a violation report, sent with the next round. */
  reportViolation(v: Violation): void {
    if (this.#violations.length < 20) this.#violations.push(v)
  }

  /**
   * Makes the next round refresh the revocation list whatever its `nextUpdate`, when the client
   * keeps one for offline use (an online client has its leases).
   */
  forceRevocations(): void {
    if (this.#d.core.opts.offlineRevocations === true) this.#forceRevocations = true
  }

  async run(): Promise<boolean> {
    const { core } = this.#d
    const key = this.#d.token()
    // With a JWKS URL the keys may have been unreachable at start: fetch them first.
    if (core.keys === null && this.#d.jwksUrl !== undefined) await this.#refreshKeys()
    if (key === undefined || core.license === null) {
      // Nothing the server could activate; not a network failure, so no backoff.
      core.evaluate()
      return true
    }
    let ok = false
    try {
      this.#reachable = true
      this.#failure = undefined
      ok = await this.#checkIn(key)
      if (ok) {
        await this.#flushUsage(key)
        await this.#sendViolations(key)
      }
      // An unreachable server would only make us wait out a second timeout.
      if (this.#reachable) await this.#refreshRevocations()
    } catch (err) {
      this.#failure ??= { message: `License server round failed: ${describe(err)}`, data: {} }
      this.#noteRetryAfter(err)
      ok = false
    }
    this.#report(ok)
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
      if (core.lease?.status !== 'active') this.#forceRevocations = true
      return true
    }
    // A 200 without a lease is a refusal expressed as an outcome ({ valid: false, code }).
    this.#refused(
      new NetworkError('Answer carried no lease', { status: 200, serverCode: outcomeCode(body) }),
    )
    return false
  }

  #activate(key: string): Promise<unknown> {
    const { hostname, machineId, container } = this.#d.fingerprint
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
    if (OVER_LIMIT.test(code)) {
      core.refusal = { code: 'over_limit', reason: `The server refused this deployment (${code})` }
    } else if (MISMATCH.test(code)) {
      core.refusal = {
        code: 'deployment_mismatch',
        reason: `The server refused this deployment (${code})`,
      }
    } else if (STATUS_HINT.test(code)) {
      this.#forceRevocations = true
    }
    this.#noteRetryAfter(err)
    const data = { serverCode: code || undefined }
    if (this.#reachable) {
      logger.warn({ code: 'NETWORK_ERROR', ...data }, `License check-in failed: ${describe(err)}`)
    } else {
      // Unreachable: reported once per outage by #report, not every few seconds.
      this.#failure ??= { message: `License check-in failed: ${describe(err)}`, data }
    }
    return undefined
  }

  /** A lease signed by a key we do not know: with a JWKS URL the server may have rotated. */
  async #unknownKeyRetry(lease: string): Promise<boolean> {
    if (this.#d.jwksUrl === undefined) return false
    if (!(await this.#refreshKeys())) return false
    return this.#d.core.acceptLease(lease, { fresh: true })
  }

  async #refreshKeys(): Promise<boolean> {
    const { core, logger } = this.#d
    try {
      const jwks = await this.#d.fetchJwks()
      core.keys = KeySet.from(jwks)
      core.setToken(this.#d.token())
      void this.#d.store.writeJson('jwks', jwks)
      return true
    } catch (err) {
      logger.warn({ code: 'NETWORK_ERROR' }, `Could not refresh the JWKS: ${describe(err)}`)
      return false
    }
  }

  /**
   * Sends pending usage batches. Each batch is on disk before its first send (the ledger writes
   * it before handing it out); a batch refused as a whole (400 for one counter, 413) is split
   * in halves, the halves written, then sent, down to the single counter the server refuses,
   * which alone is dropped (loudly). Network failures stop the round: the batches stay pending
   * and are resent with the same ids.
   */
  async #flushUsage(key: string): Promise<void> {
    // Pending batches first; then what was still open is sealed and sent in the same round.
    for (let pass = 0; pass < 2; pass++) {
      const sent = await this.#sendPendingUsage(key)
      if (!sent) return
    }
  }

  /** Sends every pending batch; false when it had to stop (nothing pending, network, disk). */
  async #sendPendingUsage(key: string): Promise<boolean> {
    const { usage, transport, core, logger } = this.#d
    const batches = await usage.takeBatches()
    if (batches === undefined) {
      logger.warn(
        { code: 'STORAGE_ERROR' },
        'Usage could not be written to disk; nothing sent (it stays pending in memory)',
      )
      return false
    }
    if (batches.length === 0) return false
    const work: UsageBatch[] = [...batches]
    while (work.length > 0) {
      const batch = work.shift()!
      const body = { key, deploymentId: core.opts.deploymentId, ...batch }
      let replacement: UsageBatch[] = []
      try {
        await transport.post('/v1/usage', body)
      } catch (err) {
        if (!(err instanceof NetworkError && (err.status === 400 || err.status === 413))) throw err
        if (batch.counters.length > 1) {
          replacement = splitBatch(batch)
        } else {
          logger.error(
            { code: 'USAGE_REFUSED', status: err.status, counter: batch.counters[0] },
            `The server refused a usage counter (${err.serverCode ?? err.status}); dropped`,
          )
        }
      }
      if (!(await usage.settle(batch.batchId, replacement))) return false
      work.unshift(...replacement)
    }
    return true
  }

  async #sendViolations(key: string): Promise<void> {
    while (this.#violations.length > 0) {
      const v = this.#violations[0]!
      await this.#d.transport.post('/v1/violations', {
        key,
        deploymentId: this.#d.core.opts.deploymentId,
        ...v,
      })
      this.#violations.shift()
    }
  }

  async #refreshRevocations(): Promise<void> {
    const { core, transport } = this.#d
    // Online clients learn revocations from their leases; the list is for offline use, or to
    // confirm an unsigned refusal (forced).
    const next = core.revocations?.nextUpdate ?? 0
    const due = core.opts.offlineRevocations === true && next <= Math.floor(core.opts.now() / 1000)
    if (!this.#forceRevocations && !due) return
    // A multi-tenant server keeps one list per issuer (tenant); ask for ours.
    const iss = core.license?.claims.iss
    const since = core.heldRevocations.sinceVersion
    const answer = await fetchRevocations(
      (path, etag) => transport.getConditional(path, etag, MAX_REVOCATION_LIST_LENGTH + 4096),
      {
        tenant: iss !== undefined && /^ten_[0-9a-z]+$/.test(iss) ? iss : undefined,
        since,
        etag: since === undefined ? undefined : this.#revocationsEtag,
      },
    )
    let ok = answer.kind === 'unchanged'
    if (answer.kind === 'list') ok = core.acceptRevocationList(answer.jws, 'server')
    if (answer.kind === 'delta') ok = core.acceptRevocationDelta(answer.jws, 'server')
    if (answer.kind !== 'unchanged') this.#revocationsEtag = ok ? answer.etag : undefined
    if (ok) this.#forceRevocations = false
  }

  #version(): { appVersion?: string } {
    return this.#d.appVersion === undefined ? {} : { appVersion: this.#d.appVersion }
  }
}

function isUnknownDeployment(err: NetworkError): boolean {
  return err.status === 404 || UNKNOWN_DEPLOYMENT.test(err.serverCode ?? '')
}

function outcomeCode(body: unknown): string | undefined {
  const b = body as { code?: unknown; status?: unknown }
  const code =
    typeof b.code === 'string' ? b.code : typeof b.status === 'string' ? b.status : undefined
  return code?.slice(0, 64)
}
