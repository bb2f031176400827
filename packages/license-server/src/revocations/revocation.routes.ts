import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { Fleet } from '../deployments/fleet.js'
import { AppError } from '../errors/app-error.js'
import { errorResponses } from '../lib/schemas.js'
import { buildRevocationList } from './build-revocation-list.js'

const RevocationsQuery = Type.Object(
  {
    format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('jws')])),
    tenant: Type.Optional(Type.String({ minLength: 3, maxLength: 64, pattern: '^ten_[0-9a-z]+$' })),
  },
  { additionalProperties: false },
)

/**
 * `GET /v1/revocations`: the signed revocation list (revoked and suspended license ids,
 * issue time, next update) as `{ list, revoked, suspended, issuedAt, nextUpdate }`, or with
 * `?format=jws` the bare JWS (`application/jose`) for air-gapped sites. Defaults to the
 * server's own (bootstrap) tenant; `?tenant=` selects another. Public: license ids are opaque.
 *
 * @example
 * ```ts
 * pub.register(revocationRoutes, { fleet })
 * ```
 */
export const revocationRoutes: FastifyPluginCallbackTypebox<{ fleet: Fleet }> = (
  app,
  { fleet },
  done,
) => {
  const { db, bootstrap } = app.tollgate
  app.get(
    '/revocations',
    {
      schema: {
        tags: ['fleet'],
        querystring: RevocationsQuery,
        response: {
          200: Type.Object({
            list: Type.String(),
            revoked: Type.Array(Type.String()),
            suspended: Type.Array(Type.String()),
            issuedAt: Type.String({ format: 'date-time' }),
            nextUpdate: Type.String({ format: 'date-time' }),
          }),
          ...errorResponses,
        },
      },
    },
    async (req, reply) => {
      const tenantId = req.query.tenant ?? bootstrap.tenantId
      const tenant = await db
        .selectFrom('tenants')
        .select('id')
        .where('id', '=', tenantId)
        .executeTakeFirst()
      if (!tenant) throw new AppError('NOT_FOUND', `No tenant ${tenantId}`)
      const key = await fleet.signer.activeKey(tenantId)
      const list = await buildRevocationList(db, tenantId, key, {
        now: fleet.now(),
        ttlS: fleet.options.revocationListTtlS,
      })
      void reply.header('cache-control', 'no-cache')
      if (req.query.format === 'jws') {
        return reply.type('application/jose').send(list.jws)
      }
      return {
        list: list.jws,
        revoked: list.revoked,
        suspended: list.suspended,
        issuedAt: list.issuedAt.toISOString(),
        nextUpdate: list.nextUpdate.toISOString(),
      }
    },
  )
  done()
}
