import { ConfigError } from '../config/load-config.js'

/** The relay's configuration (environment variables, see docs/relay.md). */
export interface RelayConfig {
  /** RELAY_POOL_FILE: the vendor-signed pool file; replaced in place to renew. */
  poolFile: string
  /** RELAY_DATA_DIR: the relay key (0600) and its embedded database. */
  dataDir: string
  /** RELAY_VENDOR_KEYS: the vendor's JWKS file (shipped with the app): the trust anchor. */
  vendorKeysFile: string
  port: number
  host: string
  /** RELAY_WARN_DAYS: warn (health, answers, log) this many days before the pool expires. */
  warnDays: number
  /** RELAY_POOL_CHECK_MS: how often the pool file is checked for a replacement. */
  poolCheckMs: number
  logLevel: string
}

const LEVELS = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])

function int(
  env: Record<string, string | undefined>,
  name: string,
  def: number,
  min: number,
  max: number,
): number {
  const raw = env[name]
  if (raw === undefined || raw === '') return def
  const n = Number(raw)
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ConfigError(name, `must be an integer from ${min} to ${max}`)
  }
  return n
}

function required(env: Record<string, string | undefined>, name: string): string {
  const v = env[name]
  if (v === undefined || v.trim() === '') throw new ConfigError(name, 'is required')
  return v
}

/**
 * Reads the relay's configuration from the environment; ConfigError names the bad variable.
 *
 * @example
 * ```ts
 * const config = loadRelayConfig(process.env)
 * ```
 */
export function loadRelayConfig(env: Record<string, string | undefined>): RelayConfig {
  const logLevel = env.LOG_LEVEL ?? 'info'
  if (!LEVELS.has(logLevel))
    throw new ConfigError('LOG_LEVEL', `must be one of ${[...LEVELS].join(', ')}`)
  return {
    poolFile: required(env, 'RELAY_POOL_FILE'),
    dataDir: env.RELAY_DATA_DIR ?? './.tollgate-relay',
    vendorKeysFile: required(env, 'RELAY_VENDOR_KEYS'),
    port: int(env, 'PORT', 3100, 0, 65535),
    host: env.HOST ?? '0.0.0.0',
    warnDays: int(env, 'RELAY_WARN_DAYS', 7, 0, 365),
    poolCheckMs: int(env, 'RELAY_POOL_CHECK_MS', 5000, 0, 3_600_000),
    logLevel,
  }
}
