import { KeySet } from '../keys/key-set.js'
import type { Jwks } from '../keys/types.js'
import { FileLock } from '../lib/file-lock.js'
import { ClientCore } from './core.js'
import { readAtStart, revocationFileReader } from './start-reads.js'
import { makeTick, tamperingReporter } from './client-tick.js'
import { loadDeploymentIdentity } from './deployment-identity.js'
import { LicenseClient } from './license-client.js'
import { consoleLogger, fetchJwks, readToken, validateOptions } from './load-config.js'
import { loadKeys, parsePinnedKeys } from './load-keys.js'
import { applyFingerprintChange, modeOfToken } from './fingerprint-policy.js'
import { KeySetAnchor } from './key-set-anchor.js'
import { machineFingerprint, type MachineFingerprint } from './machine-fingerprint.js'
import { Scheduler } from './scheduler.js'
import { ServerSync } from './server-sync.js'
import { ClientStore } from './storage.js'
import { Transport } from './transport.js'
import type { LicenseClientOptions } from './types.js'
import { UsageLedger } from './usage-ledger.js'
import { OfflineActivation } from '../offline/offline-activation.js'
import { SeatApi } from './seats/seat-api.js'

/** The owner of the storage dir refreshes its lock this often; others check it as often. */
const OWNER_POLL_MS = 5_000
/** An owner lock not refreshed for this long is taken over (hung owner, other pid namespace). */
const OWNER_STALE_MS = 30_000

/**
 * Starts a license client. Works offline from the first millisecond: it loads its files, verifies
 * the key, and decides the state before resolving; activation, heartbeats, usage upload and
 * revocation refresh then run in the background on unref'd timers (they never keep the process
 * alive and never throw into the app). Rejects only for unusable options (CONFIG_INVALID).
 *
 * Several processes may share one `storageDir` (Node cluster, PM2, web + worker): they share one
 * deployment id (one seat), one of them owns the heartbeat loop (a lock file with its pid, taken
 * over when the owner dies), and usage from all of them is counted once.
 *
 * @example
 * ```ts
 * const client = await createLicenseClient({
 *   tokenFile: '/etc/acme/license.key',
 *   publicKeys: { keys: [vendorJwk] },
 *   serverUrl: 'https://license.acme.example',
 *   storageDir: '/var/lib/acme/tollgate',
 *   appVersion: '4.2.0',
 *   onStateChange: (s) => log.info(`license ${s.code}: ${s.reason}`),
 * })
 * if (client.hasFeature('sso')) mountSso()
 * ```
 */
export async function createLicenseClient(opts: LicenseClientOptions): Promise<LicenseClient> {
  validateOptions(opts)
  const logger = opts.logger ?? consoleLogger
  const now = opts.now ?? Date.now
  const timeoutMs = opts.requestTimeoutMs ?? 10_000
  const pinned = parsePinnedKeys(opts)
  const store = new ClientStore(opts.storageDir, logger)
  // Every file the start reads is asked for now, side by side (see start-reads.ts): they are
  // judged below, in order, once the keys and the deployment id are known.
  const usage = new UsageLedger(store, logger)
  const reads = readAtStart(store, usage, opts)
  // Computed once, when first needed (a new deployment id, the first activation).
  let fingerprintMemo: Promise<MachineFingerprint> | undefined
  const fingerprint = (): Promise<MachineFingerprint> =>
    (fingerprintMemo ??= (opts.machineFingerprint ?? machineFingerprint)())
  // A deployment id read from (or written to) deployment.json is checked against this machine.
  if (opts.deploymentId === undefined) fingerprint().catch(() => undefined)
  // Pinned keys plus a JWKS URL: the pinned keys are the trust anchor, and a fetched or cached
  // key set counts only when a pinned key signed it.
  const anchor =
    pinned !== undefined && opts.jwksUrl !== undefined ? new KeySetAnchor(pinned) : undefined
  const keysFrom = (doc: Jwks): KeySet => (anchor ? anchor.accept(doc) : KeySet.from(doc))
  const [keys, firstToken] = await Promise.all([
    loadKeys(opts, pinned, store, timeoutMs, logger, keysFrom),
    readToken(opts),
  ])
  // The key in use: the tick replaces it when the key file changes.
  const tokenRef = { current: firstToken }
  // Only a deployment id still to be created needs the dir (and its lock) before the end.
  if (opts.deploymentId === undefined) await reads.dirReady
  // The license's policy decides what a storage dir copied from another machine becomes.
  const identity = await loadDeploymentIdentity(
    store,
    opts.deploymentId,
    fingerprint,
    logger,
    () => modeOfToken(tokenRef.current.token, keys),
    reads.storedDeployment,
  )

  const core = new ClientCore({
    store,
    logger,
    now,
    deploymentId: identity.deploymentId,
    serverConfigured: opts.serverUrl !== undefined,
    clockToleranceS: opts.clockToleranceS ?? 3600,
    freeFeatures: opts.freeFeatures ?? [],
    offlineRevocations: opts.offlineRevocations === true,
    onChange: (state, previous) => opts.onStateChange?.(state, previous),
  })
  core.keys = keys
  core.setToken(tokenRef.current.token, tokenRef.current.missing)
  const readRevocationFile = revocationFileReader(opts.revocationListFile, core)
  const offline = new OfflineActivation({
    core,
    dir: store.dir,
    machineFile: opts.machineFile,
    fingerprint,
    logger,
    now,
  })
  const transport =
    opts.serverUrl === undefined ? undefined : new Transport(opts.serverUrl, timeoutMs)
  const relayTransport =
    opts.relayUrl === undefined ? undefined : new Transport(opts.relayUrl, timeoutMs)
  const sync =
    transport &&
    new ServerSync({
      core,
      transport,
      store,
      usage,
      logger,
      fingerprint,
      activateFirst: identity.movedFrom !== undefined && identity.onMove !== 'rebind',
      token: () => tokenRef.current.token,
      appVersion: opts.appVersion,
      jwksUrl: opts.jwksUrl,
      fetchJwks: () => fetchJwks(opts.jwksUrl!, timeoutMs),
      keysFrom,
    })
  const scheduler =
    sync &&
    new Scheduler(
      () => sync.run(),
      () => core.license?.claims.policy.heartbeatIntervalS ?? 3600,
    )
  if (scheduler && sync) scheduler.notBefore = () => sync.retryAfterMs
  await applyFingerprintChange(identity, { core, sync, fingerprint, logger })

  // One process per storage dir runs the heartbeat loop; the others read what it writes.
  const owner = new FileLock(store.path('ownerLock'), OWNER_STALE_MS)
  const autoHeartbeat = scheduler !== undefined && opts.autoHeartbeat !== false
  const ownsDir = async (): Promise<boolean> =>
    (await owner.tryAcquire()) || owner.unavailable /* unwritable dir: run alone */

  const reportTampering = tamperingReporter(sync, core, now)
  const tick = makeTick({
    opts,
    tokenRef,
    core,
    store,
    scheduler,
    offline,
    owner,
    identity,
    fingerprint,
    logger,
    now,
    readRevocationFile,
    reportTampering,
  })

  const watchOwner = async (): Promise<void> => {
    if (owner.held) {
      if (await owner.refresh()) return
      logger.warn({ lock: owner.path }, 'Lost the storage dir lock; another process took over')
      await scheduler?.stop()
      return
    }
    await core.reloadShared()
    core.evaluate()
    if (autoHeartbeat && (await ownsDir())) scheduler.start(0)
  }

  const refreshDeadlineMs = 3 * timeoutMs + 5_000
  let followerWait: NodeJS.Timeout | undefined
  const ownerTimer = setInterval(() => void watchOwner(), OWNER_POLL_MS)
  ownerTimer.unref()
  const client = new LicenseClient({
    core,
    store,
    usage,
    logger,
    strictUsage: opts.strictUsage === true,
    freeLimits: opts.freeLimits ?? {},
    transport,
    sync,
    scheduler,
    tick,
    offline,
    appVersion: opts.appVersion,
    checkIntervalMs: opts.checkIntervalMs ?? 60_000,
    refreshDeadlineMs,
    token: () => tokenRef.current.token,
    // Floating seats (issue 18): from the license server, or from an air-gapped relay.
    seats:
      relayTransport !== undefined
        ? new SeatApi({
            transport: relayTransport,
            keys: () => core.keys,
            token: () => tokenRef.current.token,
            licenseId: () => core.license?.id,
            deploymentId: identity.deploymentId,
            // Trusted time is a floor: a wall clock set back cannot revive an expired pool.
            relay: { nowMs: () => Math.max(now(), core.trustedTime * 1000) },
          })
        : transport &&
          new SeatApi({
            transport,
            keys: () => core.keys,
            token: () => tokenRef.current.token,
            licenseId: () => core.license?.id,
            deploymentId: identity.deploymentId,
          }),
    stop: async () => {
      await relayTransport?.close()
      clearInterval(ownerTimer)
      clearTimeout(followerWait)
      await owner.release()
    },
  })
  // Independent reads (and the owner lock) in parallel: start-up stays about one disk round.
  const [leader] = await Promise.all([
    // Without a heartbeat loop there is nothing to own yet: the lock is taken when one starts.
    autoHeartbeat ? reads.dirReady.then(ownsDir) : false,
    core
      .load(reads.coreFiles)
      .then(readRevocationFile)
      .then(() => offline.apply(reads.machineFiles)),
    reads.usageLoaded,
    // Awaited so that "cleaned at start" holds when the start resolves (no extra disk read).
    reads.orphansCleaned,
    reads.dirReady,
  ])
  // A follower sharing the dir waits for the owner's first lease like the owner does: it reports
  // `activating`, not "never reached the server", for as long as the owner's first round may
  // take (its refresh deadline); after that, no lease means the server is out of reach. This
  // holds with autoHeartbeat: false too, when another process owns the dir.
  // Only without a lease (a first start) is the owner lock looked at: no cost on a normal start.
  const ownerElsewhere =
    !autoHeartbeat && sync !== undefined && core.lease === null && (await owner.heldByOther())
  core.activating = (autoHeartbeat || ownerElsewhere) && core.lease === null
  if (core.activating && !leader) {
    followerWait = setTimeout(() => {
      core.activating = false
      core.evaluate()
    }, refreshDeadlineMs)
    followerWait.unref()
  }
  const initial = core.evaluate()
  if (initial.code === 'clock_tampered') {
    reportTampering()
  }
  if (autoHeartbeat && leader) scheduler.start(0)
  return client
}
