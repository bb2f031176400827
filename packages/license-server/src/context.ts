import type { Kysely } from 'kysely'
import type { Config } from './config/load-config.js'
import type { DatabaseKind } from './db/create-database.js'
import type { Database } from './db/database.js'
import type { LicenseRowCache } from './licenses/license-cache.js'
import type { LicensingDeps } from './licenses/licensing-deps.js'
import type { Metrics } from './metrics/metrics.js'
import type { RateLimitHooks } from './security/rate-limits.js'
import type { BootstrapResult } from './tenants/bootstrap.js'

/**
 * Everything a route or feature needs, decorated on the app as `app.tollgate`. It satisfies
 * {@link LicensingDeps}, so services take it directly: `issueLicense(trx, t, input, actor, app.tollgate)`.
 */
export interface ServerContext extends LicensingDeps {
  config: Config
  db: Kysely<Database>
  dbKind: DatabaseKind
  bootstrap: BootstrapResult
  metrics: Metrics
  rateLimits: RateLimitHooks
  /** Short-lived validation cache of license rows (VALIDATE_CACHE_MS). */
  licenseCache: LicenseRowCache
  version: string
}

declare module 'fastify' {
  interface FastifyInstance {
    tollgate: ServerContext
  }
}
