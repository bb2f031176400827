import swagger from '@fastify/swagger'
import {
  registerAjvFormats,
  TypeBoxValidatorCompiler,
  type TypeBoxTypeProvider,
} from '@fastify/type-provider-typebox'
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import { readFileSync } from 'node:fs'
import { Redis } from 'ioredis'
import type { Kysely } from 'kysely'
import { ConfigError, loadConfig, type Config } from './config/load-config.js'
import type { ServerContext } from './context.js'
import { createDatabase, databaseKinds } from './db/create-database.js'
import type { Database } from './db/database.js'
import { migrateToLatest } from './db/migrate.js'
import { setupFleet, type FleetOverrides } from './deployments/setup-fleet.js'
import { setupAdminAuth } from './auth/admin-auth.js'
import { AppError } from './errors/app-error.js'
import { installErrorHandler } from './errors/error-handler.js'
import { LicenseRowCache } from './licenses/license-cache.js'
import { registerCacheMetrics } from './metrics/cache-metrics.js'
import { setupMetrics } from './metrics/metrics.js'
import { setupRateLimits } from './security/rate-limits.js'
import { rejectUnstorableText } from './security/reject-unstorable-text.js'
import { secureDataDir } from './security/secure-data-dir.js'
import { installSecurityHeaders } from './security/security-headers.js'
import { resolveMasterKey } from './signing-keys/master-key.js'
import { SigningKeyStore } from './signing-keys/signing-key-store.js'
import { bootstrap } from './tenants/bootstrap.js'
import { billingPlugin } from './billing/billing.plugin.js'
import { webhooksPlugin } from './webhooks/webhooks.plugin.js'
import { registerRoutes, registerSharedSchemas } from './register-routes.js'
import { fastifyOptions, installJsonBodies } from './app-options.js'
import { VERSION } from './version.js'

/** Options of {@link buildApp}. */
export interface BuildAppOptions {
  /** Environment to read the config from; default `process.env`. */
  env?: Record<string, string | undefined>
  /** Config values that win over the environment. */
  config?: Partial<Config>
  /** An existing Kysely handle (the app will not destroy it on close). */
  db?: Kysely<Database>
  /** Clock for fake-time tests; default the wall clock. */
  now?: () => Date
  /** Fastify logger option; default pino at LOG_LEVEL with secrets redacted. */
  logger?: FastifyServerOptions['logger']
  /** Run migrations at start (default true). */
  migrate?: boolean
  /** Rate-limit key namespace (tests isolate runs sharing one Redis). */
  rateLimitNamespace?: string
  /** Fleet tunables (heartbeat flush, dead-deployment culler, key sharing); see FleetOptions. */
  fleet?: FleetOverrides
}

/**
 * Builds the license server (not listening): config, database + migrations, bootstrap, security
 * headers, rate limits, metrics, OpenAPI and every route.
 *
 * Features register their routes in `register-routes.ts` (admin, public, operations scopes).
 *
 * @example
 * ```ts
 * const app = await buildApp({ env: process.env })
 * await app.listen({ port: app.tollgate.config.port, host: app.tollgate.config.host })
 * ```
 */
export async function buildApp(opts: BuildAppOptions = {}): Promise<FastifyInstance> {
  const config = loadConfig(opts.env ?? process.env, opts.config)
  const now = opts.now ?? (() => new Date())
  const app = Fastify(fastifyOptions(config, opts.logger)).withTypeProvider<TypeBoxTypeProvider>()

  registerAjvFormats()
  app.setValidatorCompiler(TypeBoxValidatorCompiler)
  installErrorHandler(app)
  installJsonBodies(app)
  rejectUnstorableText(app)

  const ownsDb = opts.db === undefined
  if (ownsDb && !config.databaseUrl && !config.dataDir.startsWith('memory://')) {
    const fixed = secureDataDir(config.dataDir)
    if (fixed.length > 0) {
      app.log.warn(
        { fixed: fixed.slice(0, 20), count: fixed.length },
        'DATA_DIR was readable by other users: set to 0700 (directories) / 0600 (files)',
      )
    }
  }
  const db =
    opts.db ??
    createDatabase({
      databaseUrl: config.databaseUrl,
      dataDir: config.dataDir,
      dbPoolSize: config.dbPoolSize,
      dbTimeoutMs: config.dbTimeoutMs,
      onPoolError: (err) => app.log.warn({ err: err.message }, 'database connection lost'),
    })
  const redis = config.redisUrl
    ? new Redis(config.redisUrl, {
        maxRetriesPerRequest: 1,
        connectTimeout: 2000,
        lazyConnect: false,
      })
    : undefined
  redis?.on('error', (err: Error) => app.log.warn({ err: err.message }, 'redis error'))
  app.addHook('onClose', async () => {
    if (ownsDb) await db.destroy()
    if (redis) await redis.quit().catch(() => redis.disconnect())
  })

  try {
    const dbKind = databaseKinds.get(db) ?? (config.databaseUrl ? 'postgres' : 'pglite')
    const master = resolveMasterKey({
      masterKey: config.masterKey,
      dataDir: config.dataDir,
      postgres: dbKind === 'postgres',
    })
    if (master.source === 'generated') {
      app.log.warn(
        { path: master.path },
        'generated a new master key for signing keys (mode 0600); back it up, or set MASTER_KEY',
      )
    } else if (master.source === 'ephemeral') {
      app.log.warn('in-memory database: using an ephemeral master key')
    }
    if (opts.migrate !== false) await migrateToLatest(db)
    // Files PGlite created just now follow its own modes: lock them down too (the directory is
    // 0700 already, so nobody else could reach them meanwhile).
    if (ownsDb && !config.databaseUrl && !config.dataDir.startsWith('memory://')) {
      secureDataDir(config.dataDir)
    }
    const signingKeyPem = config.signingKeyFile
      ? readFileSync(config.signingKeyFile, 'utf8')
      : undefined
    const boot = await bootstrap(db, master.key, {
      now: now(),
      ownerKey: config.bootstrapAdminKey,
      signingKeyPem,
    })

    const signingKeys = new SigningKeyStore(master.key, {
      verifiedMemoBytes: config.verifiedMemoMb * 1024 * 1024,
    })
    try {
      // Fail at start-up, not at the first issuance, when the master key is not the one the
      // stored signing keys were sealed with.
      await signingKeys.getActive(db, boot.tenantId)
    } catch (err) {
      if (err instanceof AppError && err.code === 'INTERNAL_ERROR') {
        throw new ConfigError('MASTER_KEY', 'does not decrypt the stored signing keys (wrong key?)')
      }
      throw err
    }

    const metrics = setupMetrics(app)
    setupAdminAuth(
      app,
      config.adminAuth,
      redis
        ? { redis, prefix: `${opts.rateLimitNamespace ?? 'tollgate-rl:'}authfail:` }
        : undefined,
    )
    registerCacheMetrics(metrics.registry, () => [
      ...signingKeys.cacheStats(),
      ...app.adminAuth.keys.cacheStats(),
      ...app.adminAuth.failures.cacheStats(),
    ])
    installSecurityHeaders(app)
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: { title: 'Tollgate license server', version: VERSION },
        components: {
          securitySchemes: { adminKey: { type: 'http', scheme: 'bearer' } },
        },
      },
    })
    registerSharedSchemas(app)
    const rateLimits = await setupRateLimits(app, config, redis, opts.rateLimitNamespace)

    const context: ServerContext = {
      config,
      db,
      dbKind,
      now,
      bootstrap: boot,
      metrics,
      rateLimits,
      signingKeys,
      licenseCache: new LicenseRowCache(config.validateCacheMs),
      tokenPrefix: config.tokenPrefix,
      version: VERSION,
    }
    app.decorate('tollgate', context)
    const fleet = setupFleet(app, {
      ...config.fleet,
      ...opts.fleet,
      keySharing: { ...config.fleet.keySharing, ...opts.fleet?.keySharing },
    })
    await app.register(billingPlugin)
    await app.register(webhooksPlugin)

    await registerRoutes(app, { fleet, rateLimits })
    return app
  } catch (err) {
    await app.close().catch(() => undefined)
    throw err
  }
}
