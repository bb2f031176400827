import { Type, type Static } from 'typebox'
import { BillingEnv } from './billing-env.schema.js'

const Int = (min: number, def: number, description: string) =>
  Type.Integer({ minimum: min, default: def, description })

/**
 * The environment the server reads, as a schema: names, types, defaults and descriptions. The
 * config table in docs/server.md mirrors it.
 *
 * @example
 * ```ts
 * Value.Check(EnvSchema, process.env)
 * ```
 */
export const EnvSchema = Type.Object({
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000, description: 'HTTP port' }),
  HOST: Type.String({ minLength: 1, default: '127.0.0.1', description: 'Interface to bind' }),
  DATABASE_URL: Type.Optional(
    Type.String({
      pattern: '^postgres(ql)?://',
      description: 'Postgres URL; when unset, embedded PGlite under DATA_DIR',
    }),
  ),
  DATA_DIR: Type.String({
    minLength: 1,
    default: './.tollgate',
    description: 'PGlite data and the generated master key live here',
  }),
  MASTER_KEY: Type.Optional(
    Type.String({
      pattern: '^([0-9a-fA-F]{64}|[A-Za-z0-9+/_-]{43}=?)$',
      description:
        '32-byte key (64 hex chars or base64) that encrypts signing keys at rest; required with DATABASE_URL',
    }),
  ),
  SIGNING_KEY_FILE: Type.Optional(
    Type.String({
      minLength: 1,
      description:
        'PKCS#8 PEM Ed25519 key to use as the first signing key instead of generating one',
    }),
  ),
  BOOTSTRAP_ADMIN_KEY: Type.Optional(
    Type.String({
      pattern: '^tg_admin_[A-Za-z0-9]{24,64}$',
      description: 'Owner admin key to create on first start instead of a random one',
    }),
  ),
  REDIS_URL: Type.Optional(
    Type.String({ pattern: '^rediss?://', description: 'Redis for shared rate-limit counters' }),
  ),
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
    { default: 'info', description: 'pino log level' },
  ),
  LOG_FORMAT: Type.Union([Type.Literal('auto'), Type.Literal('pretty'), Type.Literal('json')], {
    default: 'auto',
    description: 'auto: readable lines on a terminal, JSON otherwise',
  }),
  TRUST_PROXY: Type.String({
    default: 'false',
    pattern: '^[0-9A-Za-z.:/, ]{1,2000}$',
    description:
      'Proxies in front: false, a hop count (true = 1) or comma-separated trusted proxy addresses / CIDRs; the client is the right-most untrusted X-Forwarded-For address',
  }),
  BODY_LIMIT: Int(256, 65_536, 'Largest accepted request body, in bytes'),
  RATE_LIMIT_WINDOW_MS: Int(1, 60_000, 'Rate-limit window, in ms'),
  RATE_LIMIT_PUBLIC_MAX: Int(1, 600, 'Public-route requests per IP per window'),
  RATE_LIMIT_ADMIN_MAX: Int(1, 1200, 'Admin requests per API key per window'),
  RATE_LIMIT_TIERS: Type.String({
    default: '{"free":60,"pro":600,"enterprise":6000}',
    description:
      'JSON object: validations per license per window by plan tier; "default" for others',
  }),
  DB_POOL_SIZE: Int(1, 10, 'Postgres pool size'),
  DB_TIMEOUT_MS: Int(100, 5000, 'Postgres connect and query timeout, in ms'),
  VERIFIED_MEMO_MB: Int(
    0,
    64,
    'Memory for remembering verified license keys, in MiB (64: ~1M keys; 0: verify every time)',
  ),
  VALIDATE_CACHE_MS: Int(
    0,
    1000,
    'How long validation may reuse a license row read from the database, in ms (0: off); changes made on this instance apply at once',
  ),
  TOKEN_PREFIX: Type.String({
    pattern: '^[A-Z][A-Z0-9]{1,7}$',
    default: 'TG1',
    description: 'Prefix of issued license keys',
  }),
  // ---- fleet (issue 4)
  HEARTBEAT_FLUSH_MS: Int(0, 1000, 'Heartbeat coalescer flush period, in ms (0: only on shutdown)'),
  DEAD_DEPLOYMENT_CHECK_S: Int(0, 60, 'Dead-deployment culler period, in seconds (0: off)'),
  DEAD_AFTER_MISSED_HEARTBEATS: Int(
    1,
    3,
    'A deployment is dead (its seat freed) after this many missed heartbeat intervals',
  ),
  REVOCATION_LIST_TTL_S: Int(
    60,
    3600,
    'nextUpdate of revocation lists: issue time + this, in seconds',
  ),
  REVOCATION_VERSION_CHECK_MS: Int(
    0,
    1000,
    'A revocation list version is re-read from the database at most this often, in ms (changes on another instance show within it)',
  ),
  KEY_SHARING_WINDOW_S: Int(60, 3600, 'Key-sharing detection window, in seconds'),
  KEY_SHARING_ACTION: Type.Union([Type.Literal('flag'), Type.Literal('suspend')], {
    default: 'flag',
    description: 'On detected key sharing: flag (violation only) or suspend the license',
  }),
  ...BillingEnv,
  // ---- web console and portal (issue 16)
  PUBLIC_URL: Type.Optional(
    Type.String({
      pattern: '^https?://[^/?#]+/?$',
      description:
        "Origin browsers use to reach the server (https://licenses.example.com): checked against the Origin of every form post, and the WebAuthn relying party; default: the request's own origin",
    }),
  ),
  WEB_SESSION_IDLE_MIN: Int(1, 30, 'Console/portal session idle timeout, in minutes'),
  WEB_SESSION_MAX_HOURS: Int(1, 12, 'Console/portal session absolute lifetime, in hours'),
  // ---- admin authentication (issue 20)
  ADMIN_AUTH_FAILURES_MAX: Int(
    1,
    30,
    'Failed admin authentications per client IP per window; more answer 429 before any lookup',
  ),
  ADMIN_AUTH_FAILURE_WINDOW_S: Int(1, 300, 'Window of ADMIN_AUTH_FAILURES_MAX, in seconds'),
  ADMIN_KEY_CACHE_MS: Int(
    0,
    5000,
    'How long an admin key lookup is reused, in ms (0: off); a revocation applies at once on the instance that made it',
  ),
  OPS_TOKEN: Type.Optional(
    Type.String({
      minLength: 16,
      description:
        'Bearer token required by /metrics and /health (unset: open to anyone who can reach the port)',
    }),
  ),
  OPS_HEALTH_PUBLIC: Type.Boolean({
    default: false,
    description: 'Keep /health open when OPS_TOKEN is set (for balancers that cannot send headers)',
  }),
  CORS_ORIGINS: Type.Optional(
    Type.String({
      pattern: '^https?://[^\\s,/]+(,\\s*https?://[^\\s,/]+)*$',
      maxLength: 4000,
      description:
        'Comma-separated origins (https://shop.example.com) allowed to call checkout and the public plan list from a browser',
    }),
  ),
  // ---- scale (issue 20)
  HEARTBEAT_READ_WINDOW_MS: Int(
    0,
    100,
    'Heartbeat status reads wait this long to share one query, in ms (0: per event-loop turn)',
  ),
  AUDIT_RETENTION_DAYS: Int(0, 0, 'Audit rows older than this are exported, then pruned (0: keep)'),
  AUDIT_EXPORT_DIR: Type.Optional(
    Type.String({
      minLength: 1,
      description:
        'Where pruned audit rows are exported (JSON lines); default DATA_DIR/audit-export',
    }),
  ),
  USAGE_BATCH_RETENTION_DAYS: Int(
    2,
    400,
    'Usage batch ids are kept this long; older counter periods are refused',
  ),
  ADDRESS_RETENTION_DAYS: Int(1, 30, 'License source addresses unseen this long are pruned'),
  RETENTION_CHECK_S: Int(0, 3600, 'Retention job period, in seconds (0: off)'),
})

/** The raw, validated environment. */
export type Env = Static<typeof EnvSchema>
