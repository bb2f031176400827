import type { FileLock } from '../lib/file-lock.js'
import type { OfflineActivation } from '../offline/offline-activation.js'
import { describe, monotonicMs, type ClientCore } from './core.js'
import { writeDeployment, type DeploymentIdentity } from './deployment-identity.js'
import { mtimeOf, readToken, type TokenSource } from './load-config.js'
import type { MachineFingerprint } from './machine-fingerprint.js'
import type { Scheduler } from './scheduler.js'
import type { ServerSync } from './server-sync.js'
import type { ClientStore } from './storage.js'
import type { LicenseClientOptions, Logger } from './types.js'

/** Wall time running this far ahead of monotonic time between two checks means a suspend. */
const RESUME_JUMP_MS = 60_000

/** What the periodic check works on (wired by createLicenseClient). */
export interface TickDeps {
  opts: LicenseClientOptions
  /** The key in use; replaced here when the key file changes. */
  tokenRef: { current: TokenSource }
  core: ClientCore
  store: ClientStore
  scheduler: Scheduler | undefined
  offline: OfflineActivation
  owner: FileLock
  identity: DeploymentIdentity
  fingerprint: () => Promise<MachineFingerprint>
  logger: Logger
  now: () => number
  readRevocationFile: () => Promise<void>
  reportTampering: () => void
}

/**
 * The periodic check: time passes (valid -> grace -> expired), files change under us (key,
 * revocation list, machine file, what the owning process wrote, a deleted deployment.json),
 * and a suspend/resume or a stale lease checks in at once. Never rejects (failures are logged).
 *
 * @example
 * ```ts
 * const tick = makeTick(deps)
 * setInterval(() => void tick(), 60_000)
 * ```
 */
export function makeTick(d: TickDeps): () => Promise<void> {
  const { opts, tokenRef, core, store, scheduler, offline, owner, identity, now } = d
  let last = { wall: now(), mono: monotonicMs() }
  return async (): Promise<void> => {
    try {
      const held = tokenRef.current
      if (opts.tokenFile !== undefined && (await mtimeOf(opts.tokenFile)) !== held.mtimeMs) {
        const token = (tokenRef.current = await readToken(opts))
        core.setToken(token.token, token.missing)
        // A replaced key (renewal, upgrade, another license) checks in now rather than at the
        // next heartbeat, which may be an hour away: the new license needs its own lease.
        if (scheduler?.running) void scheduler.runNow()
      }
      await d.readRevocationFile()
      await offline.load()
      if (!owner.held) await core.reloadShared()
      if (
        opts.deploymentId === undefined &&
        identity.onMove !== 'block' &&
        (await store.stamp('deployment')) === ''
      ) {
        // Deleted while running: written again, with the same id (a blocked copy's id is not
        // written for this machine: the next start begins a new deployment).
        await writeDeployment(store, identity.deploymentId, await d.fingerprint())
      }
      const before = core.state.code
      const state = core.evaluate()
      const at = { wall: now(), mono: monotonicMs() }
      const resumed = at.wall - last.wall - (at.mono - last.mono) > RESUME_JUMP_MS
      last = at
      if (state.code === 'clock_tampered' && before !== 'clock_tampered') {
        d.reportTampering()
        if (scheduler?.running) void scheduler.runNow()
      } else if (
        scheduler?.running &&
        scheduler.failures === 0 &&
        (resumed || (state.code !== before && /grace_offline|expired/.test(state.code)))
      ) {
        // After a suspend, or a lease gone stale while the network works: check in now rather
        // than sit in a worse state until the next heartbeat (up to an hour).
        void scheduler.runNow()
      }
      await core.persistClock()
    } catch (err) {
      d.logger.error({ err: describe(err) }, 'License check failed; state unchanged')
    }
  }
}

/**
 * Reports a clock set back past trusted time to the server, as a violation sent with the next
 * round (called once per tampering episode).
 *
 * @example
 * ```ts
 * const reportTampering = tamperingReporter(sync, core, Date.now)
 * ```
 */
export function tamperingReporter(
  sync: ServerSync | undefined,
  core: Pick<ClientCore, 'trustedTime'>,
  now: () => number,
): () => void {
  return () =>
    sync?.reportViolation({
      kind: 'clock_tampered',
      severity: 'high',
      details: {
        wallClock: new Date(now()).toISOString(),
        trustedTime: new Date(core.trustedTime * 1000).toISOString(),
      },
    })
}
