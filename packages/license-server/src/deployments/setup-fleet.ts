import type { FastifyInstance } from 'fastify'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { revocationRoutes } from '../revocations/revocation.routes.js'
import { usageAdminRoutes, usageRoutes } from '../usage/usage.routes.js'
import { detectKeySharing } from '../violations/detect-key-sharing.js'
import { DEFAULT_KEY_SHARING, type KeySharingDefaults } from '../violations/key-sharing-policy.js'
import { ViolationSchema } from '../violations/violation.schemas.js'
import { violationAdminRoutes, violationRoutes } from '../violations/violation.routes.js'
import { cullDeadDeployments } from './cull-dead-deployments.js'
import { deploymentAdminRoutes } from './deployment-admin.routes.js'
import { upsertLicenseAddresses } from './deployment.repository.js'
import { deploymentRoutes } from './deployment.routes.js'
import { DeploymentSchema } from './deployment.schemas.js'
import { DEFAULT_FLEET_OPTIONS, Fleet, type FleetOptions } from './fleet.js'
import { registerFleetMetrics } from './fleet-metrics.js'
import { join } from 'node:path'
import { DEFAULT_RETENTION, type RetentionOptions } from '../retention/retention-options.js'
import { startRetention } from '../retention/start-retention.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** The fleet feature (issue 4): coalescer, jobs, caches. */
    fleet: Fleet
  }
}

/** buildApp's `fleet` option: any subset of {@link FleetOptions}. */
export type FleetOverrides = Partial<Omit<FleetOptions, 'keySharing' | 'retention'>> & {
  keySharing?: Partial<KeySharingDefaults>
  retention?: Partial<RetentionOptions>
}

/**
 * Sets up the fleet feature on an app whose `app.tollgate` context exists: decorates
 * `app.fleet`, registers the Deployment / Violation schemas, starts the heartbeat flush timer
 * and the dead-deployment culler, and flushes pending heartbeats in `onClose` (after in-flight
 * requests finished), so an acknowledged heartbeat survives a graceful shutdown. Register
 * {@link fleetPublicRoutes} and {@link fleetAdminRoutes} in the public and admin scopes.
 *
 * @example
 * ```ts
 * const fleet = setupFleet(app, opts.fleet)
 * await admin.register(fleetAdminRoutes, { fleet })
 * await pub.register(fleetPublicRoutes, { fleet })
 * ```
 */
export function setupFleet(app: FastifyInstance, overrides: FleetOverrides = {}): Fleet {
  const options: FleetOptions = {
    ...DEFAULT_FLEET_OPTIONS,
    ...overrides,
    keySharing: { ...DEFAULT_KEY_SHARING, ...overrides.keySharing },
    retention: { ...DEFAULT_RETENTION, ...overrides.retention },
  }
  const { dataDir } = app.tollgate.config
  // Audit exports default to the data directory (none for an in-memory database).
  if (options.retention.auditExportDir === undefined && !dataDir.startsWith('memory://')) {
    options.retention.auditExportDir = join(dataDir, 'audit-export')
  }
  const fleet = new Fleet(app.tollgate, options, app.log)
  app.addSchema(DeploymentSchema)
  app.addSchema(ViolationSchema)
  app.decorate('fleet', fleet)
  registerFleetMetrics(app.tollgate.metrics.registry, fleet)

  fleet.onFlushed = async (written) => {
    const { sightings, licenseIds } = fleet.addresses.due(written, fleet.now().getTime())
    await upsertLicenseAddresses(app.tollgate.db, sightings)
    if (licenseIds.length > 0) {
      await detectKeySharing(app.tollgate.db, licenseIds, {
        now: fleet.now(),
        defaults: options.keySharing,
        licenseCache: app.tollgate.licenseCache,
      })
    }
  }

  let culling: Promise<unknown> | undefined
  const cull = (): void => {
    if (culling) return
    culling = cullDeadDeployments(fleet)
      .catch((err: unknown) =>
        app.log.warn(
          { err: err instanceof Error ? err.message : String(err) },
          'dead-deployment cull failed',
        ),
      )
      .finally(() => {
        culling = undefined
      })
  }
  const timer = options.cullIntervalMs > 0 ? setInterval(cull, options.cullIntervalMs) : undefined
  timer?.unref()
  const retention = startRetention(app, fleet)

  app.addHook('onClose', async () => {
    if (timer) clearInterval(timer)
    await retention.stop()
    await culling
    await fleet.coalescer.close()
    await fleet.requests.close().catch(() => undefined)
  })
  return fleet
}

/**
 * The public fleet routes (register under /v1): deployments activate / heartbeat /
 * deactivate, usage, violations, revocations.
 *
 * @example
 * ```ts
 * await pub.register(fleetPublicRoutes, { fleet })
 * ```
 */
export const fleetPublicRoutes: FastifyPluginAsyncTypebox<{ fleet: Fleet }> = async (pub, opts) => {
  await pub.register(deploymentRoutes, opts)
  await pub.register(usageRoutes, opts)
  await pub.register(violationRoutes, opts)
  await pub.register(revocationRoutes, opts)
}

/**
 * The admin fleet routes (register under /v1/admin): deployments, usage, violations.
 *
 * @example
 * ```ts
 * await admin.register(fleetAdminRoutes, { fleet })
 * ```
 */
export const fleetAdminRoutes: FastifyPluginAsyncTypebox<{ fleet: Fleet }> = async (
  admin,
  opts,
) => {
  await admin.register(deploymentAdminRoutes, opts)
  await admin.register(usageAdminRoutes)
  await admin.register(violationAdminRoutes)
}
