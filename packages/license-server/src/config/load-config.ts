import { isIP } from 'node:net'
import { Value } from 'typebox/value'
import { readAdminAuthConfig, type AdminAuthConfig } from '../auth/admin-auth.config.js'
import { readBillingConfig, type BillingConfig } from '../billing/billing.config.js'
import { readFleetConfig, type FleetConfig } from '../deployments/fleet.config.js'
import { readOpsConfig, type OpsConfig } from '../system/ops.config.js'
import { EnvSchema, type Env } from './config.schema.js'
import { resolveDataDir } from './data-dir.js'
import { readWebhooksConfig, type WebhooksConfig } from '../webhooks/webhooks.config.js'

/** How the server writes its log: pretty on a terminal (`auto`), or always one of the two. */
export type LogFormat = 'auto' | 'pretty' | 'json'
import { readWebConfig, type WebConfig } from '../web/web.config.js'

/** The server configuration, resolved from the environment. */
export interface Config {
  port: number
  host: string
  databaseUrl: string | undefined
  dataDir: string
  masterKey: string | undefined
  signingKeyFile: string | undefined
  bootstrapAdminKey: string | undefined
  redisUrl: string | undefined
  logLevel: string
  /** `auto` (readable on a terminal, JSON otherwise), `pretty` or `json`. */
  logFormat: LogFormat
  /**
   * Fastify's `trustProxy`: false, a hop count, or trusted proxy addresses / CIDRs. Never
   * `true` (that trusts the client-supplied, left-most X-Forwarded-For address).
   */
  trustProxy: false | number | string[]
  bodyLimit: number
  rateLimit: {
    windowMs: number
    publicMax: number
    adminMax: number
    /** Validations per license per window, by tier (`default` for unlisted tiers). */
    tiers: Record<string, number>
  }
  dbPoolSize: number
  dbTimeoutMs: number
  tokenPrefix: string
  /** How long validation may reuse a license row, in ms (0: off). */
  validateCacheMs: number
  /** Byte budget of the verified-key memo, MiB (VERIFIED_MEMO_MB). */
  verifiedMemoMb: number
  /** Stripe billing and license delivery (issue 7). */
  billing: BillingConfig
  /** Heartbeat flush, dead-deployment culler, revocation lists, key sharing (issue 4). */
  fleet: FleetConfig
  /** Vendor webhooks, expiry and reminders (issue 19). */
  webhooks: WebhooksConfig
  /** Staff console and customer portal: sessions, public origin (issue 16). */
  web: WebConfig
  /** Failed-authentication limit and key lookup cache (issue 20). */
  adminAuth: AdminAuthConfig
  /** Protection of /metrics and /health (issue 20). */
  ops: OpsConfig
}

/**
 * Invalid configuration: start-up stops with this message, which names the variable.
 *
 * @example
 * ```ts
 * try { loadConfig(process.env) } catch (e) { if (e instanceof ConfigError) console.error(e.message) }
 * ```
 */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID' as const
  /** The offending environment variable. */
  readonly variable: string
  constructor(variable: string, message: string) {
    super(`Invalid configuration: ${variable} ${message}`)
    this.name = 'ConfigError'
    this.variable = variable
  }
}

function parseTiers(raw: string): Record<string, number> {
  let value: unknown
  try {
    value = JSON.parse(raw)
  } catch {
    throw new ConfigError('RATE_LIMIT_TIERS', 'must be a JSON object such as {"free":60}')
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError('RATE_LIMIT_TIERS', 'must be a JSON object such as {"free":60}')
  }
  for (const [tier, n] of Object.entries(value)) {
    if (!Number.isInteger(n) || (n as number) < 1) {
      throw new ConfigError('RATE_LIMIT_TIERS', `tier "${tier}" must map to a positive integer`)
    }
  }
  return value as Record<string, number>
}

const CIDR_HINT = 'must be false, a hop count (true = 1) or comma-separated addresses/CIDRs'

function parseTrustProxy(raw: string): false | number | string[] {
  const v = raw.trim().toLowerCase()
  if (v === 'false' || v === '0') return false
  // `true` used to trust every hop (the client picked its own address); it now means the one
  // load balancer it almost always stood for.
  if (v === 'true') return 1
  if (/^[0-9]{1,2}$/.test(v)) return Number(v)
  const parts = raw.split(',').map((p) => p.trim())
  for (const part of parts) {
    const [address, bits, extra] = part.split('/')
    const family = isIP(address ?? '')
    const maxBits = family === 6 ? 128 : 32
    const bitsOk = bits === undefined || (/^[0-9]{1,3}$/.test(bits) && Number(bits) <= maxBits)
    if (family === 0 || !bitsOk || extra !== undefined) {
      throw new ConfigError('TRUST_PROXY', `${CIDR_HINT} (got "${part}")`)
    }
  }
  return parts
}

/**
 * Reads and validates the configuration from an environment (empty strings count as unset).
 *
 * @example
 * ```ts
 * const config = loadConfig(process.env)
 * const test = loadConfig({}, { port: 0, logLevel: 'silent' })
 * ```
 */
export function loadConfig(
  env: Record<string, string | undefined> = process.env,
  overrides: Partial<Config> = {},
): Config {
  const raw: Record<string, unknown> = {}
  for (const key of Object.keys(EnvSchema.properties)) {
    const v = env[key]
    if (v !== undefined && v !== '') raw[key] = v
  }
  const converted = Value.Convert(EnvSchema, Value.Default(EnvSchema, raw))
  const first = Value.Errors(EnvSchema, converted)[0]
  if (first !== undefined) {
    const variable = first.instancePath.replace(/^\//, '') || 'environment'
    const shown =
      typeof raw[variable] === 'string' && !/KEY|TOKEN|SECRET|PASSWORD/.test(variable)
        ? ` (got "${String(raw[variable])}")`
        : ''
    throw new ConfigError(variable, `${first.message}${shown}`)
  }
  const e = converted as Env
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir: resolveDataDir(e.DATA_DIR, env),
    masterKey: e.MASTER_KEY,
    signingKeyFile: e.SIGNING_KEY_FILE,
    bootstrapAdminKey: e.BOOTSTRAP_ADMIN_KEY,
    redisUrl: e.REDIS_URL,
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT,
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    bodyLimit: e.BODY_LIMIT,
    rateLimit: {
      windowMs: e.RATE_LIMIT_WINDOW_MS,
      publicMax: e.RATE_LIMIT_PUBLIC_MAX,
      adminMax: e.RATE_LIMIT_ADMIN_MAX,
      tiers: parseTiers(e.RATE_LIMIT_TIERS),
    },
    dbPoolSize: e.DB_POOL_SIZE,
    dbTimeoutMs: e.DB_TIMEOUT_MS,
    tokenPrefix: e.TOKEN_PREFIX,
    validateCacheMs: e.VALIDATE_CACHE_MS,
    verifiedMemoMb: e.VERIFIED_MEMO_MB,
    billing: readBillingConfig(e),
    fleet: readFleetConfig(e),
    webhooks: readWebhooksConfig(e),
    web: readWebConfig(e),
    adminAuth: readAdminAuthConfig(e),
    ops: readOpsConfig(e),
    ...overrides,
  }
}
