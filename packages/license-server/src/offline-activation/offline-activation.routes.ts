import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { actorFromRequest, requireScope } from '../auth/admin-auth.js'
import type { Fleet } from '../deployments/fleet.js'
import { errorResponses, IdParams, NullableString } from '../lib/schemas.js'
import { createOfflineActivation } from './create-offline-activation.js'
import { deactivateOfflineActivation } from './deactivate-offline-activation.js'

const tags = ['fleet']

const ActivationView = Type.Object({
  id: Type.String(),
  licenseId: Type.String(),
  deploymentRowId: Type.String(),
  deploymentId: Type.String(),
  machineId: Type.String(),
  appVersion: NullableString(),
  issuedAt: Type.String({ format: 'date-time' }),
  expiresAt: Type.String({ format: 'date-time' }),
  deactivatedAt: NullableString({ format: 'date-time' }),
})

const CreateBody = Type.Object(
  {
    // The request file as text, or its JSON; checked member by member by the service.
    request: Type.Union([
      Type.String({ maxLength: 16_384 }),
      Type.Object({}, { additionalProperties: true, maxProperties: 16 }),
    ]),
    validDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })),
    includeRevocations: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
)

const CreateResponse = Type.Object({
  machineFile: Type.String(),
  activation: ActivationView,
  created: Type.Boolean(),
  revocationsEmbedded: Type.Boolean(),
  seats: Type.Object({ used: Type.Integer(), max: Type.Integer() }),
})

const DeactivateBody = Type.Object(
  { proof: Type.String({ minLength: 1, maxLength: 8192 }) },
  { additionalProperties: false },
)

const DeactivateResponse = Type.Object({
  activation: ActivationView,
  deactivated: Type.Boolean(),
  seatFreed: Type.Boolean(),
})

/**
 * Offline activation admin routes (issue 18), both `fleet:write` and audited:
 * `POST /v1/admin/licenses/:id/offline-activations` turns an activation request into a signed
 * machine file (201 when a seat was taken, 200 when the same request was re-signed);
 * `POST /v1/admin/offline-activations/deactivate` frees the seat with a deactivation proof.
 *
 * @example
 * ```ts
 * admin.register(offlineActivationRoutes, { fleet })
 * ```
 */
export const offlineActivationRoutes: FastifyPluginCallbackTypebox<{ fleet: Fleet }> = (
  app,
  { fleet },
  done,
) => {
  app.post(
    '/licenses/:id/offline-activations',
    {
      schema: {
        tags,
        params: IdParams,
        body: CreateBody,
        response: { 200: CreateResponse, 201: CreateResponse, ...errorResponses },
      },
      preHandler: requireScope('fleet:write'),
    },
    async (req, reply) => {
      const r = await createOfflineActivation(fleet, {
        tenantId: req.auth.tenantId,
        licenseId: req.params.id,
        request: req.body.request,
        ...(req.body.validDays === undefined ? {} : { validDays: req.body.validDays }),
        ...(req.body.includeRevocations === undefined
          ? {}
          : { includeRevocations: req.body.includeRevocations }),
        actor: actorFromRequest(req),
      })
      return reply.code(r.created ? 201 : 200).send(r)
    },
  )

  app.post(
    '/offline-activations/deactivate',
    {
      schema: {
        tags,
        body: DeactivateBody,
        response: { 200: DeactivateResponse, ...errorResponses },
      },
      preHandler: requireScope('fleet:write'),
    },
    async (req) =>
      deactivateOfflineActivation(fleet, {
        tenantId: req.auth.tenantId,
        proof: req.body.proof,
        actor: actorFromRequest(req),
      }),
  )
  done()
}
