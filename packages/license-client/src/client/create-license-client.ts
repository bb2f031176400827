import { InvalidKeyError, ConfigInvalidError } from '../errors.js'
import { KeySet } from '../keys/key-set.js'
import type { Jwks } from '../keys/types.js'
import { readFileIfExists } from '../lib/atomic-file.js'
import { ClientCore, describe } from './core.js'
import { LicenseClient } from './license-client.js'
import {
  consoleLogger,
  fetchJwks,
  loadDeploymentId,
  mtimeOf,
  readToken,
  validateOptions,
} from './load-config.js'
import { Scheduler } from './scheduler.js'
import { ServerSync } from './server-sync.js'
import { ClientStore } from './storage.js'
import { Transport } from './transport.js'
import type { LicenseClientOptions, Logger } from './types.js'
import { isUsageData, UsageQueue } from './usage-queue.js'

const isJwks = (d: unknown): d is Jwks => Array.isArray((d as { keys?: unknown }).keys)

/**
 * Starts a license client. Works offline from the first millisecond: it loads its files, verifies
 * the key, and decides the state before resolving; activation, heartbeats, usage upload and
 * revocation refresh then run in the background on unref'd timers (they never keep the process
 * alive and never throw into the app). Rejects only for unusable options (CONFIG_INVALID).
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
  const store = new ClientStore(opts.storageDir, logger)

  const core = new ClientCore({
    store,
    logger,
    now,
    deploymentId: await loadDeploymentId(store, opts.deploymentId, logger),
    serverConfigured: opts.serverUrl !== undefined,
    clockToleranceS: opts.clockToleranceS ?? 3600,
    freeFeatures: opts.freeFeatures ?? [],
    offlineRevocations: opts.offlineRevocations === true,
    onChange: (state, previous) => opts.onStateChange?.(state, previous),
  })
  core.keys = await loadKeys(opts, store, timeoutMs, logger)
  let token = await readToken(opts)
  core.setToken(token.token, token.missing)
  await core.load()
  let revocationMtime: number | undefined
  const readRevocationFile = async (): Promise<void> => {
    if (opts.revocationListFile === undefined) return
    const mtime = await mtimeOf(opts.revocationListFile)
    if (mtime === undefined || mtime === revocationMtime) return
    revocationMtime = mtime
    const text = await readFileIfExists(opts.revocationListFile).catch(() => undefined)
    if (text !== undefined) core.acceptRevocationList(text.trim(), opts.revocationListFile)
  }
  await readRevocationFile()

  const usage = new UsageQueue(await store.readJson('usage', isUsageData))
  const persistUsage = (): Promise<void> => store.writeJson('usage', usage.toJSON())
  const transport =
    opts.serverUrl === undefined ? undefined : new Transport(opts.serverUrl, timeoutMs)
  const sync =
    transport &&
    new ServerSync({
      core,
      transport,
      store,
      usage,
      logger,
      token: () => token.token,
      appVersion: opts.appVersion,
      jwksUrl: opts.jwksUrl,
      fetchJwks: () => fetchJwks(opts.jwksUrl!, timeoutMs),
      persistUsage,
    })
  const scheduler =
    sync &&
    new Scheduler(
      () => sync.run(),
      () => core.license?.claims.policy.heartbeatIntervalS ?? 3600,
    )

  // Sent to the server as a violation with the next round (once per tampering episode).
  const reportTampering = (): void =>
    sync?.reportViolation({
      kind: 'clock_tampered',
      severity: 'high',
      details: {
        wallClock: new Date(now()).toISOString(),
        trustedTime: new Date(core.trustedTime * 1000).toISOString(),
      },
    })

  // The periodic check: time passes (valid -> grace -> expired), files change under us.
  const tick = async (): Promise<void> => {
    try {
      if (opts.tokenFile !== undefined && (await mtimeOf(opts.tokenFile)) !== token.mtimeMs) {
        token = await readToken(opts)
        core.setToken(token.token, token.missing)
        // A replaced key (renewal, upgrade, another license) checks in now rather than at the
        // next heartbeat, which may be an hour away: the new license needs its own lease.
        if (scheduler && opts.autoHeartbeat !== false) void scheduler.runNow()
      }
      await readRevocationFile()
      const before = core.state.code
      const state = core.evaluate()
      if (state.code === 'clock_tampered' && before !== 'clock_tampered') {
        reportTampering()
        if (scheduler) void scheduler.runNow()
      }
      await core.persistClock()
    } catch (err) {
      logger.error({ err: describe(err) }, 'License check failed; state unchanged')
    }
  }

  const client = new LicenseClient({
    core,
    store,
    usage,
    logger,
    freeLimits: opts.freeLimits ?? {},
    transport,
    sync,
    scheduler,
    tick,
    persistUsage,
    checkIntervalMs: opts.checkIntervalMs ?? 60_000,
  })
  const initial = core.evaluate()
  if (initial.code === 'clock_tampered') {
    reportTampering()
  }
  if (scheduler && opts.autoHeartbeat !== false) scheduler.start(0)
  return client
}

async function loadKeys(
  opts: LicenseClientOptions,
  store: ClientStore,
  timeoutMs: number,
  logger: Logger,
): Promise<KeySet | null> {
  if (opts.publicKeys !== undefined) {
    try {
      return KeySet.from(opts.publicKeys)
    } catch (err) {
      throw new ConfigInvalidError(
        `publicKeys: ${err instanceof InvalidKeyError ? err.message : describe(err)}`,
      )
    }
  }
  // JWKS URL: a cached copy lets an offline restart verify immediately; refreshed in the background.
  const cached = await store.readJson('jwks', isJwks)
  const fromCache = cached && safeKeySet(cached)
  if (fromCache) return fromCache
  try {
    const jwks = await fetchJwks(opts.jwksUrl!, timeoutMs)
    const keys = KeySet.from(jwks)
    await store.writeJson('jwks', jwks)
    return keys
  } catch (err) {
    logger.warn({ code: 'NETWORK_ERROR' }, `Could not fetch the JWKS: ${describe(err)}`)
    return null
  }
}

function safeKeySet(jwks: Jwks): KeySet | undefined {
  try {
    return KeySet.from(jwks)
  } catch {
    return undefined
  }
}
