import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox'
import { toLicenseView, toPublicLicenseView } from '../licenses/license.view.js'
import { errorResponses } from '../lib/schemas.js'
import { checkIn } from './check-in.js'
import { deactivateByClient } from './deactivate-deployment.js'
import {
  ActivateBody,
  ActivateResponse,
  DeactivateBody,
  DeactivateResponse,
  HeartbeatBody,
  HeartbeatResponse,
} from './deployment.schemas.js'
import { toDeploymentView } from './deployment.view.js'
import type { Fleet } from './fleet.js'
import { recordHeartbeat } from './record-heartbeat.js'

const tags = ['fleet']

/**
 * Public deployment routes under /v1 (the license key authenticates): activate, heartbeat,
 * deactivate. Activate and heartbeat are also limited per license by plan tier.
 *
 * @example
 * ```ts
 * pub.register(deploymentRoutes, { fleet })
 * ```
 */
export const deploymentRoutes: FastifyPluginCallbackTypebox<{ fleet: Fleet }> = (
  app,
  { fleet },
  done,
) => {
  const { rateLimits } = app.tollgate

  app.post(
    '/deployments/activate',
    {
      schema: { tags, body: ActivateBody, response: { 200: ActivateResponse, ...errorResponses } },
    },
    async (req, reply) => {
      const now = fleet.now()
      const key = await fleet.verifier.verify(req.body.key, now)
      await rateLimits.perLicense(req, reply, { id: key.licenseId, tier: key.tier })
      const r = await checkIn(fleet, {
        tenantId: key.tenantId,
        licenseId: key.licenseId,
        installId: req.body.deploymentId,
        fingerprint: req.body.fingerprint,
        appVersion: req.body.appVersion,
        address: req.ip,
        now,
      })
      return {
        status: r.status,
        code: r.code,
        lease: r.lease,
        license: toPublicLicenseView(toLicenseView(r.license)),
        deployment: r.deployment ? toDeploymentView(r.deployment) : null,
      }
    },
  )

  app.post(
    '/deployments/heartbeat',
    {
      schema: {
        tags,
        body: HeartbeatBody,
        response: { 200: HeartbeatResponse, ...errorResponses },
      },
    },
    async (req, reply) => {
      const key = await fleet.verifier.verify(req.body.key, fleet.now())
      await rateLimits.perLicense(req, reply, { id: key.licenseId, tier: key.tier })
      return recordHeartbeat(fleet, key, {
        installId: req.body.deploymentId,
        appVersion: req.body.appVersion,
        address: req.ip,
      })
    },
  )

  app.post(
    '/deployments/deactivate',
    {
      schema: {
        tags,
        body: DeactivateBody,
        response: { 200: DeactivateResponse, ...errorResponses },
      },
    },
    async (req) => {
      const now = fleet.now()
      const key = await fleet.verifier.verify(req.body.key, now)
      const r = await deactivateByClient(app.tollgate.db, {
        licenseId: key.licenseId,
        installId: req.body.deploymentId,
        now,
      })
      return {
        deactivated: r.deactivated,
        deployment: toDeploymentView(r.deployment, fleet.coalescer.pendingSeenAt(r.deployment.id)),
      }
    },
  )
  done()
}
