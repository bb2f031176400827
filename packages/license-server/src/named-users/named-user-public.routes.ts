import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox'
import type { Fleet } from '../deployments/fleet.js'
import { AppError } from '../errors/app-error.js'
import { errorResponses } from '../lib/schemas.js'
import { assignUser } from './assign-user.js'
import { namedUserCounter } from './named-user-metrics.js'
import { NamedUserBody, NamedUserResult } from './named-user.schemas.js'
import { releaseUser } from './release-user.js'

const tags = ['named-users']

/**
 * Named users under /v1, authenticated by the license key like a heartbeat and limited per
 * license: `POST /licenses/users/assign` and `POST /licenses/users/release`. The body carries
 * only the SDK's salted hash of the user id.
 *
 * @example
 * ```ts
 * pub.register(namedUserPublicRoutes, { fleet })
 * ```
 */
export const namedUserPublicRoutes: FastifyPluginCallbackTypebox<{ fleet: Fleet }> = (
  app,
  { fleet },
  done,
) => {
  const ctx = app.tollgate
  const counter = namedUserCounter(ctx.metrics.registry)
  const schema = {
    tags,
    body: NamedUserBody,
    response: { 200: NamedUserResult, ...errorResponses },
  }

  app.post('/licenses/users/assign', { schema }, async (req, reply) => {
    const now = fleet.now()
    const key = await fleet.verifier.verify(req.body.key, now)
    await ctx.rateLimits.perLicense(req, reply, { id: key.licenseId, tier: key.tier })
    try {
      const r = await assignUser(ctx.db, {
        tenantId: key.tenantId,
        licenseId: key.licenseId,
        userHash: req.body.userHash,
        now,
        actor: { actor: `license:${key.licenseId}`, requestId: req.id, ip: req.ip },
      })
      counter.inc({ outcome: r.assigned ? 'assigned' : 'existing' })
      return r
    } catch (err) {
      if (err instanceof AppError && err.code === 'USER_LIMIT_REACHED') {
        counter.inc({ outcome: 'refused' })
      }
      throw err
    }
  })

  app.post('/licenses/users/release', { schema }, async (req, reply) => {
    const now = fleet.now()
    const key = await fleet.verifier.verify(req.body.key, now)
    await ctx.rateLimits.perLicense(req, reply, { id: key.licenseId, tier: key.tier })
    const r = await releaseUser(ctx.db, {
      tenantId: key.tenantId,
      licenseId: key.licenseId,
      userHash: req.body.userHash,
      now,
      actor: { actor: `license:${key.licenseId}`, requestId: req.id, ip: req.ip },
    })
    if (r.released) counter.inc({ outcome: 'released' })
    return r
  })
  done()
}
