import type { KeySet } from '../keys/key-set.js'
import type { Jwks, PublicJwk } from '../keys/types.js'
import type { MachineFingerprint } from './machine-fingerprint.js'

/** Every state a license client can be in (see the state table in the README). */
export type LicenseStateCode =
  | 'valid'
  | 'activating'
  | 'grace_expired'
  | 'grace_offline'
  | 'expired'
  | 'revoked'
  | 'suspended'
  | 'invalid'
  | 'not_yet_valid'
  | 'clock_tampered'
  | 'deployment_mismatch'
  | 'over_limit'

/** States that keep the license's paid features (all others keep only `freeFeatures`). */
export const UNRESTRICTED_STATES: ReadonlySet<LicenseStateCode> = new Set([
  'valid',
  'activating',
  'grace_expired',
  'grace_offline',
])

/** The client's current verdict on its license. Immutable; a new object on every change. */
export interface LicenseState {
  /** The state code. */
  readonly code: LicenseStateCode
  /** Why, in plain words (safe to show an operator; never contains the key). */
  readonly reason: string
  /**
   * Whole days until the state gets worse: until expiry for `valid`, until the grace ends for
   * the grace states; `null` for a perpetual `valid` license; `0` for restricted states.
   */
  readonly daysLeft: number | null
  /** True when paid features are withheld (every state except valid, activating and the graces). */
  readonly restricted: boolean
  /** The features the app may use right now. */
  readonly features: readonly string[]
  /** The license id, when the key could be verified. */
  readonly licenseId: string | null
  /** The license's expiry as an ISO string; `null` for perpetual or unknown. */
  readonly expiresAt: string | null
  /** Time of the evaluation, ISO string. */
  readonly checkedAt: string
}

/** A minimal structured logger; pino's and console's methods both fit `(data, message)`. */
export interface Logger {
  debug?(data: Record<string, unknown>, message: string): void
  info?(data: Record<string, unknown>, message: string): void
  warn(data: Record<string, unknown>, message: string): void
  error(data: Record<string, unknown>, message: string): void
}

/** Verification keys as accepted by {@link createLicenseClient}. */
export type PublicKeysInput = Jwks | readonly PublicJwk[] | KeySet

/** Options of {@link createLicenseClient}. */
export interface LicenseClientOptions {
  /** The license key. Else `tokenFile`, else the environment variable `tokenEnv`. */
  token?: string
  /** Path of a file holding the license key. */
  tokenFile?: string
  /** Environment variable holding the license key; default `TOLLGATE_LICENSE_KEY`. */
  tokenEnv?: string
  /** Pinned verification keys (recommended: a tampered disk cannot swap them). */
  publicKeys?: PublicKeysInput
  /**
   * Where to fetch the JWKS when `publicKeys` is not given. Fetched at start and cached in
   * `storageDir` for offline starts; the cache is only as trustworthy as that directory.
   */
  jwksUrl?: string
  /** License server base URL. Absent: fully offline (token plus optional revocation file). */
  serverUrl?: string
  /**
   * An air-gapped relay's base URL (docs/relay.md): `checkoutSeat` takes floating seats from it
   * instead of `serverUrl`, and accepts a lease only when the relay's pool file verifies against
   * the pinned vendor keys, names this license and the relay's key, and is valid now.
   */
  relayUrl?: string
  /**
   * Directory for the client's files (created if missing, 0700). Processes of one app on one
   * machine may share it: one seat, one heartbeat loop (lock file), usage counted once.
   */
  storageDir: string
  /** Deployment id; default: generated once and kept in `storageDir`. */
  deploymentId?: string
  /** Reported to the server with every activation and heartbeat. */
  appVersion?: string
  /** A signed revocation list file (air-gapped sites); re-read when it changes. */
  revocationListFile?: string
  /**
   * Keep the server's signed revocation list current, so revocations still bite after the
   * client goes offline (default false: an online client learns revocations from the signed
   * lease of its next heartbeat, and fetches the list only to confirm an unsigned refusal).
   * Refreshes are conditional and fetch only what changed since the list held.
   */
  offlineRevocations?: boolean
  /** Features every state keeps, e.g. the free tier. Default none. */
  freeFeatures?: readonly string[]
  /** Limits in restricted states (and for metrics the license does not name). Default 0. */
  freeLimits?: Readonly<Record<string, number>>
  /** How far the wall clock may sit behind trusted time before `clock_tampered`; default 3600 s. */
  clockToleranceS?: number
  /** Called after every state change (errors it throws are logged, never rethrown). */
  onStateChange?: (state: LicenseState, previous: LicenseState) => void
  /** Where warnings go; default: `console` for warn/error, silent otherwise. */
  logger?: Logger
  /** Time source in ms (tests); default `Date.now`. */
  now?: () => number
  /** Timeout of one HTTP request; default 10 000 ms. */
  requestTimeoutMs?: number
  /** How often the state is re-evaluated for the passing of time; default 60 000 ms. */
  checkIntervalMs?: number
  /** Run heartbeats on a timer; default true when `serverUrl` is set. */
  autoHeartbeat?: boolean
  /**
   * Throw `UsageInvalidError` (code USAGE_INVALID) from `recordUsage` for a metric or amount the server would
   * refuse (default false: skipped and logged, never thrown into the host app).
   */
  strictUsage?: boolean
  /**
   * Offline activation (air-gapped machines): the path of this machine's machine file. When set,
   * the license runs only with a machine file that names this machine (state `invalid` until
   * one is installed with `activateOffline`, `deployment_mismatch` for a copied one). Without
   * it, a machine file installed by `activateOffline` is kept in `storageDir`.
   */
  machineFile?: string
  /**
   * How this machine is identified for seat binding and offline activation; default the
   * built-in `machineFingerprint` (machine-id, container id, hostname). Give your own for a
   * hardware id of your choice; it must be stable across restarts.
   */
  machineFingerprint?: () => Promise<MachineFingerprint>
}
