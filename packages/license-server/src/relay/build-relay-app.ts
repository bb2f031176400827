import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import {
  registerAjvFormats,
  TypeBoxValidatorCompiler,
  type TypeBoxTypeProvider,
} from '@fastify/type-provider-typebox'
import {
  KeySet,
  loadRelayIdentity,
  machineFingerprint,
  type MachineFingerprint,
} from '@tollgate/license-client'
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import { Kysely } from 'kysely'
import { ConfigError } from '../config/load-config.js'
import { migrateToLatest } from '../db/migrate.js'
import { PGliteDialect } from '../db/pglite-dialect.js'
import { installErrorHandler } from '../errors/error-handler.js'
import { ErrorSchema } from '../lib/schemas.js'
import { secureDataDir } from '../security/secure-data-dir.js'
import { installSecurityHeaders } from '../security/security-headers.js'
import { KeyedQueue } from '../seats/keyed-queue.js'
import { PoolHolder, PoolRefusedError } from './pool-holder.js'
import type { RelayConfig } from './relay-config.js'
import type { RelayDatabase } from './relay-lease.table.js'
import { relayMigrations } from './relay-migrations.js'
import { relayRoutes } from './relay.routes.js'

/** Options of {@link buildRelayApp}. */
export interface BuildRelayOptions {
  config: RelayConfig
  /** Clock (tests); default the wall clock. */
  now?: () => Date
  logger?: FastifyServerOptions['logger']
  /** This machine's fingerprint (tests); default the SDK's `machineFingerprint`. */
  fingerprint?: () => Promise<MachineFingerprint>
}

/**
 * Builds an air-gapped floating relay (not listening): loads the relay key from its data dir
 * (written by `tollgate relay init`), the vendor keys, and the pool file, which must verify
 * against the vendor keys and name this relay's key and machine (ConfigError `RELAY_POOL_FILE`
 * otherwise: the relay refuses to start); opens its embedded database (PGlite under the data
 * dir) and serves only the seat routes (see relayRoutes).
 *
 * @example
 * ```ts
 * const config = loadRelayConfig(process.env)
 * const app = await buildRelayApp({ config })
 * await app.listen({ port: config.port, host: config.host })
 * ```
 */
export async function buildRelayApp(opts: BuildRelayOptions): Promise<FastifyInstance> {
  const { config } = opts
  const now = opts.now ?? (() => new Date())
  const identity = await loadRelayIdentity(config.dataDir, false)
  if (identity === undefined) {
    throw new ConfigError(
      'RELAY_DATA_DIR',
      `holds no relay key: run \`tollgate relay init --data-dir ${config.dataDir}\``,
    )
  }
  let vendorKeys: KeySet
  try {
    vendorKeys = KeySet.from(JSON.parse(readFileSync(config.vendorKeysFile, 'utf8')) as never)
  } catch (err) {
    throw new ConfigError(
      'RELAY_VENDOR_KEYS',
      `is not a readable JWKS file (${(err as Error).message})`,
    )
  }
  const fp = await (opts.fingerprint ?? machineFingerprint)()
  const app = Fastify({
    logger: opts.logger ?? {
      level: config.logLevel,
      redact: ['req.headers.authorization', 'req.body'],
    },
    bodyLimit: 16_384,
  }).withTypeProvider<TypeBoxTypeProvider>()
  const pools = new PoolHolder({
    path: config.poolFile,
    vendorKeys,
    identity,
    machineId: fp.machineId,
    checkEveryMs: config.poolCheckMs,
    now: () => now().getTime(),
    log: app.log,
  })
  try {
    await pools.load()
  } catch (err) {
    await app.close()
    if (err instanceof PoolRefusedError)
      throw new ConfigError('RELAY_POOL_FILE', `refused: ${err.message}`)
    throw new ConfigError('RELAY_POOL_FILE', `is not readable (${(err as Error).message})`)
  }
  registerAjvFormats()
  app.setValidatorCompiler(TypeBoxValidatorCompiler)
  installErrorHandler(app)
  installSecurityHeaders(app)
  app.addSchema(ErrorSchema)
  const db = new Kysely<RelayDatabase>({
    dialect: new PGliteDialect({ pglite: () => PGlite.create(join(config.dataDir, 'pgdata')) }),
  })
  app.addHook('onClose', async () => db.destroy())
  try {
    await migrateToLatest(db, relayMigrations)
    secureDataDir(config.dataDir)
    await app.register(relayRoutes, {
      deps: {
        db,
        pools,
        identity,
        vendorKeys,
        now,
        queue: new KeyedQueue(),
        warnBeforeS: config.warnDays * 86_400,
      },
    })
  } catch (err) {
    await app.close().catch(() => undefined)
    throw err
  }
  return app
}
