/**
 * Tollgate license server: Fastify app, Kysely data layer (Postgres or embedded PGlite),
 * signing-key management and licensing services.
 *
 * @example
 * ```ts
 * import { buildApp } from '@tollgate/license-server'
 * const app = await buildApp()
 * await app.listen({ port: 3000 })
 * ```
 * @packageDocumentation
 */
export { buildApp, type BuildAppOptions } from './app.js'
export type { ServerContext } from './context.js'
export { VERSION } from './version.js'
export { RECOMMENDED_NODE_FLAGS, missingNodeFlags } from './system/node-flags.js'
export { loadConfig, ConfigError, type Config } from './config/load-config.js'
export { EnvSchema } from './config/config.schema.js'
export { createDatabase, type DatabaseOptions, type DatabaseKind } from './db/create-database.js'
export { PGliteDialect, type PGliteDialectConfig } from './db/pglite-dialect.js'
export { migrateToLatest, migrateDown } from './db/migrate.js'
export { migrations } from './db/migrations/index.js'
export type { Database, CoreTables, Db } from './db/database.js'
export { AppError, type ErrorBody } from './errors/app-error.js'
export { ERROR_CODES, isErrorCode, type ErrorCode } from './errors/error-codes.js'
export { requireScope, actorFromRequest, type AdminAuth } from './auth/admin-auth.js'
export { recordAudit, type AuditEntryInput } from './audit/record-audit.js'
export { SYSTEM_ACTOR, type AuditActor } from './audit/audit-actor.js'
export { getActiveSigningKey } from './signing-keys/get-active-signing-key.js'
export { SigningKeyStore } from './signing-keys/signing-key-store.js'
export { createTenant, type CreatedTenant } from './tenants/create-tenant.js'
export { issueLicense, type IssueLicenseInput } from './licenses/issue-license.js'
export { updateLicenseStatus, type LicenseStatusAction } from './licenses/update-license-status.js'
export { reissueToken } from './licenses/reissue-token.js'
export { renewLicense } from './licenses/renew-license.js'
export {
  checkLicenseKey,
  VALIDATION_CODES,
  type ValidationCode,
  type ValidationResult,
} from './licenses/check-license-key.js'
export type { LicensingDeps } from './licenses/licensing-deps.js'
export { toLicenseView, type LicenseView } from './licenses/license.view.js'
export type { LicenseRow, LicenseStatus } from './licenses/license.table.js'
export { cullDeadDeployments, type CullResult } from './deployments/cull-dead-deployments.js'
export {
  RevocationListCache,
  type RevocationAnswer,
  type SignedRevocationList,
} from './revocations/revocation-list-cache.js'
// Air-gapped floating relay (issue 18)
export { buildRelayApp, type BuildRelayOptions } from './relay/build-relay-app.js'
export { loadRelayConfig, type RelayConfig } from './relay/relay-config.js'
export { createSeatPool, type CreateSeatPoolInput } from './seat-pools/create-seat-pool.js'
