import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { actorFromRequest, requireScope } from '../auth/admin-auth.js'
import type { Fleet } from '../deployments/fleet.js'
import { AppError } from '../errors/app-error.js'
import { findLicense } from '../licenses/license.repository.js'
import { DateTime, errorResponses, IdParams } from '../lib/schemas.js'
import { createSeatPool } from './create-seat-pool.js'
import { listSeatPools } from './seat-pool.repository.js'
import { toSeatPoolView } from './seat-pool.view.js'

const tags = ['seats']

const PoolView = Type.Object({
  id: Type.String(),
  licenseId: Type.String(),
  seats: Type.Integer(),
  leaseTtlS: Type.Integer(),
  overage: Type.String(),
  relayKid: Type.String(),
  machineId: Type.String(),
  hostname: Type.String(),
  notBefore: DateTime,
  expiresAt: DateTime,
  createdBy: Type.String(),
  createdAt: DateTime,
})

const CreateBody = Type.Object(
  {
    seats: Type.Integer({ minimum: 1, maximum: 100_000 }),
    // The relay request file as text, or its JSON; checked member by member by the service.
    request: Type.Union([
      Type.String({ maxLength: 8192 }),
      Type.Object({}, { additionalProperties: true, maxProperties: 16 }),
    ]),
    validDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 366 })),
  },
  { additionalProperties: false },
)

const CreateResponse = Type.Object({
  poolFile: Type.String(),
  pool: PoolView,
  seats: Type.Object({
    floating: Type.Integer(),
    pooled: Type.Integer(),
    online: Type.Integer(),
  }),
})

/**
 * Relay pool admin routes (issue 18): `POST /v1/admin/licenses/:id/seat-pools` (fleet:write,
 * audited) signs a pool file for an air-gapped relay and takes its seats from the license's
 * floating seats; `GET /v1/admin/licenses/:id/seat-pools` (fleet:read) lists the license's pools.
 *
 * @example
 * ```ts
 * admin.register(seatPoolRoutes, { fleet })
 * ```
 */
export const seatPoolRoutes: FastifyPluginCallbackTypebox<{ fleet: Fleet }> = (
  app,
  { fleet },
  done,
) => {
  app.post(
    '/licenses/:id/seat-pools',
    {
      schema: {
        tags,
        params: IdParams,
        body: CreateBody,
        response: { 201: CreateResponse, ...errorResponses },
      },
      preHandler: requireScope('fleet:write'),
    },
    async (req, reply) => {
      const r = await createSeatPool(fleet, {
        tenantId: req.auth.tenantId,
        licenseId: req.params.id,
        seats: req.body.seats,
        request: req.body.request,
        ...(req.body.validDays === undefined ? {} : { validDays: req.body.validDays }),
        actor: actorFromRequest(req),
      })
      return reply.code(201).send(r)
    },
  )

  app.get(
    '/licenses/:id/seat-pools',
    {
      schema: {
        tags,
        params: IdParams,
        querystring: Type.Object({}, { additionalProperties: false }),
        response: { 200: Type.Object({ data: Type.Array(PoolView) }), ...errorResponses },
      },
      preHandler: requireScope('fleet:read'),
    },
    async (req) => {
      const { db } = app.tollgate
      if (!(await findLicense(db, req.auth.tenantId, req.params.id))) {
        throw new AppError('NOT_FOUND', `No license ${req.params.id}`)
      }
      const rows = await listSeatPools(db, req.auth.tenantId, req.params.id, 100)
      return { data: rows.map(toSeatPoolView) }
    },
  )
  done()
}
