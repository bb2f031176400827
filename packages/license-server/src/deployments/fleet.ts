import type { FastifyBaseLogger } from 'fastify'
import type { ServerContext } from '../context.js'
import { DEFAULT_KEY_SHARING, type KeySharingDefaults } from '../violations/key-sharing-policy.js'
import { AddressTracker } from './address-tracker.js'
import type { DeadWindow } from './dead-deadline.js'
import { DEFAULT_RETENTION, type RetentionOptions } from '../retention/retention-options.js'
import { FleetStateLoader } from './fleet-state-loader.js'
import { HeartbeatCoalescer, type PendingHeartbeat } from './heartbeat-coalescer.js'
import { LeaseSigner } from './lease-signer.js'
import { LicenseKeyVerifier } from './license-key-verifier.js'
import { RevocationListCache } from '../revocations/revocation-list-cache.js'
import { RequestCounter } from '../request-counts/request-counter.js'

/** Tunables of the fleet feature (buildApp `fleet` option). */
export interface FleetOptions {
  /** Heartbeat coalescer flush period, ms (default 1000; 0: only on close / by hand). */
  heartbeatFlushMs: number
  /**
   * Heartbeat status reads wait this long to share one query, ms (default 100; 0: per
   * event-loop turn). See `FleetStateLoader`.
   */
  heartbeatReadWindowMs: number
  /** Dead-deployment culler period, ms (default 60000; 0: never on a timer). */
  cullIntervalMs: number
  /** A deployment is dead after this many missed heartbeat intervals of its policy (default 3). */
  missedHeartbeats: number
  /** ... but never sooner than this, seconds (default 120). */
  minDeadAfterS: number
  /** `nextUpdate` of revocation lists = issue time + this, seconds (default 3600). */
  revocationListTtlS: number
  /**
   * The revocation list version is re-read at most this often, ms (default 1000; 0: every
   * request). A change on this instance is seen at once, on another within this.
   */
  revocationVersionCheckMs: number
  /** Key-sharing detection defaults (per-license overrides: `metadata.keySharing`). */
  keySharing: KeySharingDefaults
  /** Retention of audit, usage batch ids and address sightings (issue 20). */
  retention: RetentionOptions
  /** Per-hour request counter flush period, ms (default 10000; 0: only on close / by hand). */
  requestCountFlushMs: number
}

/** The defaults of {@link FleetOptions}. */
export const DEFAULT_FLEET_OPTIONS: FleetOptions = {
  heartbeatFlushMs: 1000,
  heartbeatReadWindowMs: 100,
  cullIntervalMs: 60_000,
  missedHeartbeats: 3,
  minDeadAfterS: 120,
  revocationListTtlS: 3600,
  revocationVersionCheckMs: 1000,
  keySharing: DEFAULT_KEY_SHARING,
  retention: DEFAULT_RETENTION,
  requestCountFlushMs: 10_000,
}

/**
 * The fleet feature's per-app state: the heartbeat coalescer, the batched state loader, the
 * key verifier and lease signer caches, and what the periodic jobs need. Decorated as
 * `app.fleet` by `setupFleet`; the services in this folder take it as their first argument.
 *
 * @example
 * ```ts
 * const fleet = new Fleet(app.tollgate, { ...DEFAULT_FLEET_OPTIONS, heartbeatFlushMs: 0 }, app.log)
 * await fleet.coalescer.flush()
 * ```
 */
export class Fleet {
  readonly ctx: ServerContext
  readonly options: FleetOptions
  readonly log: FastifyBaseLogger
  readonly coalescer: HeartbeatCoalescer
  readonly loader: FleetStateLoader
  readonly verifier: LicenseKeyVerifier
  readonly signer: LeaseSigner
  readonly addresses = new AddressTracker()
  /** Validations and heartbeats per tenant and hour, flushed to `request_counts` (console chart). */
  readonly requests: RequestCounter
  /** Signed revocation lists per tenant, rebuilt only when they change. */
  readonly revocations: RevocationListCache
  /** Called with what each coalescer flush wrote (address tracking, key-sharing detection). */
  onFlushed: (written: readonly PendingHeartbeat[]) => Promise<void> = () => Promise.resolve()

  constructor(ctx: ServerContext, options: FleetOptions, log: FastifyBaseLogger) {
    this.ctx = ctx
    this.options = options
    this.log = log
    this.loader = new FleetStateLoader(ctx.db, { windowMs: options.heartbeatReadWindowMs })
    this.verifier = new LicenseKeyVerifier(ctx.db, ctx.signingKeys)
    this.signer = new LeaseSigner(ctx.db, ctx.signingKeys)
    this.revocations = new RevocationListCache(ctx.db, {
      maxStaleMs: options.revocationVersionCheckMs,
    })
    // Every status change made here goes through the license cache: the list version too.
    ctx.licenseCache.onChange((tenantId) => this.revocations.versions.invalidate(tenantId))
    this.requests = new RequestCounter(ctx.db, {
      intervalMs: options.requestCountFlushMs,
      onError: (err) =>
        log.warn(
          { err: err instanceof Error ? err.message : String(err) },
          'request count flush failed',
        ),
    })
    this.coalescer = new HeartbeatCoalescer(ctx.db, {
      intervalMs: options.heartbeatFlushMs,
      onFlushed: (written) => this.onFlushed(written),
      onError: (err) =>
        log.warn(
          { err: err instanceof Error ? err.message : String(err) },
          'heartbeat flush failed',
        ),
    })
  }

  /** The dead-deployment window of these options. */
  get deadWindow(): DeadWindow {
    return { missedHeartbeats: this.options.missedHeartbeats, minS: this.options.minDeadAfterS }
  }

  /** The app clock. */
  now(): Date {
    return this.ctx.now()
  }
}
