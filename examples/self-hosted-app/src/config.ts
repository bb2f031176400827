import { resolve } from 'node:path'

/** A setting of the example app is missing or unusable; `code` is stable. */
export class ExampleConfigError extends Error {
  readonly code = 'EXAMPLE_CONFIG_INVALID'
  constructor(message: string) {
    super(message)
    this.name = 'ExampleConfigError'
  }
}

/** Everything the example app reads from its environment. */
export interface ExampleConfig {
  port: number
  host: string
  /** License server base URL; undefined runs the app fully offline. */
  serverUrl: string | undefined
  /** File holding the license key (re-read when it changes). */
  licenseFile: string | undefined
  /** Pinned vendor JWKS file; else the server's `/.well-known/jwks.json`. */
  jwksFile: string | undefined
  storageDir: string
  /** How often the client re-evaluates and re-reads the key file. */
  checkIntervalMs: number
  /** Enables `POST /demo/clock` (moves the app's licensing clock forward, for demos and tests). */
  demoClock: boolean
  /** Check out one floating seat for this process at start (`TOLLGATE_FLOATING_SEAT=1`). */
  floatingSeat: boolean
  /** `POST /users` / `DELETE /users/:name` assign and release named users (`TOLLGATE_NAMED_USERS=1`). */
  namedUsers: boolean
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number): number {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < min) {
    throw new ExampleConfigError(`${name} must be an integer >= ${min} (got "${raw}")`)
  }
  return value
}

/**
 * Reads the example's settings: `PORT` (4000), `HOST` (127.0.0.1), `TOLLGATE_URL`,
 * `TOLLGATE_LICENSE_FILE` (else the key comes from `TOLLGATE_LICENSE_KEY`), `TOLLGATE_JWKS_FILE`,
 * `TOLLGATE_STORAGE_DIR` (./.tollgate-app), `TOLLGATE_CHECK_INTERVAL_MS` (60000), `DEMO_CLOCK=1`,
 * `TOLLGATE_FLOATING_SEAT=1`, `TOLLGATE_NAMED_USERS=1` (both need `TOLLGATE_URL`).
 *
 * @example
 * ```ts
 * const config = loadExampleConfig(process.env)
 * ```
 */
export function loadExampleConfig(env: NodeJS.ProcessEnv): ExampleConfig {
  const serverUrl = env.TOLLGATE_URL?.replace(/\/+$/, '') || undefined
  if (serverUrl !== undefined && !/^https?:\/\//.test(serverUrl)) {
    throw new ExampleConfigError(`TOLLGATE_URL must be an http(s) URL (got "${serverUrl}")`)
  }
  const jwksFile = env.TOLLGATE_JWKS_FILE || undefined
  if (serverUrl === undefined && jwksFile === undefined) {
    throw new ExampleConfigError(
      'Set TOLLGATE_URL (license server) or TOLLGATE_JWKS_FILE (offline)',
    )
  }
  const floatingSeat = env.TOLLGATE_FLOATING_SEAT === '1'
  const namedUsers = env.TOLLGATE_NAMED_USERS === '1'
  if ((floatingSeat || namedUsers) && serverUrl === undefined) {
    throw new ExampleConfigError(
      'TOLLGATE_FLOATING_SEAT and TOLLGATE_NAMED_USERS need TOLLGATE_URL (the server counts them)',
    )
  }
  return {
    port: int(env, 'PORT', 4000, 0),
    host: env.HOST || '127.0.0.1',
    serverUrl,
    licenseFile: env.TOLLGATE_LICENSE_FILE ? resolve(env.TOLLGATE_LICENSE_FILE) : undefined,
    jwksFile: jwksFile && resolve(jwksFile),
    storageDir: resolve(env.TOLLGATE_STORAGE_DIR || '.tollgate-app'),
    checkIntervalMs: int(env, 'TOLLGATE_CHECK_INTERVAL_MS', 60_000, 100),
    demoClock: env.DEMO_CLOCK === '1',
    floatingSeat,
    namedUsers,
  }
}
