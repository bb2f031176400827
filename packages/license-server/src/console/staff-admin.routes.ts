import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { actorFromRequest, requireScope } from '../auth/admin-auth.js'
import { iso } from '../lib/json.js'
import { DateTime, EmptyQuery, NullableString, StringEnum, errorResponses } from '../lib/schemas.js'
import { requestOrigin } from '../portal/request-origin.js'
import { inviteStaff } from './invite-staff.js'
import { grantableRolesForScopes, STAFF_ROLES } from './roles.js'
import { listStaff } from './staff.repository.js'
import { staffView } from './staff-view.js'

const tags = ['staff']
const Role = StringEnum(STAFF_ROLES)

const InvitationBody = Type.Object(
  { email: Type.String({ format: 'email', minLength: 3, maxLength: 320 }), role: Role },
  { additionalProperties: false },
)
const Invitation = Type.Object({
  id: Type.String(),
  email: Type.String(),
  role: Role,
  expiresAt: DateTime,
  url: Type.String({ description: 'The one-time console link; shown only in this answer' }),
})
const StaffMember = Type.Object({
  id: Type.String(),
  email: Type.String(),
  name: Type.String(),
  role: Role,
  disabled: Type.Boolean(),
  createdAt: DateTime,
  lastLoginAt: NullableString({ format: 'date-time' }),
})

/**
 * Staff of the console under /v1/admin (scope `staff:admin`): `POST /staff/invitations`
 * invites a person with a role and answers the one-time link once (`tollgate staff invite`; an
 * owner key may invite owners, e.g. the first one), `GET /staff` lists the members. Both go
 * through the console's own services.
 *
 * @example
 * ```ts
 * admin.register(staffAdminRoutes)
 * ```
 */
export const staffAdminRoutes: FastifyPluginCallbackTypebox = (app, _opts, done) => {
  const { db, now } = app.tollgate
  const staffAdmin = requireScope('staff:admin')

  app.post(
    '/staff/invitations',
    {
      schema: {
        tags,
        querystring: EmptyQuery,
        body: InvitationBody,
        response: { 201: Invitation, ...errorResponses },
      },
      preHandler: staffAdmin,
    },
    async (req, reply) => {
      const { invite, path } = await db.transaction().execute((trx) =>
        inviteStaff(trx, {
          tenantId: req.auth.tenantId,
          email: req.body.email,
          role: req.body.role,
          grantable: grantableRolesForScopes(req.auth.scopes),
          actor: actorFromRequest(req),
          now: now(),
        }),
      )
      return reply.code(201).send({
        id: invite.id,
        email: invite.email!,
        role: invite.role,
        expiresAt: iso(invite.expires_at)!,
        url: `${requestOrigin(req)}${path}`,
      })
    },
  )

  app.get(
    '/staff',
    {
      schema: {
        tags,
        querystring: EmptyQuery,
        response: {
          200: Type.Object({ items: Type.Array(StaffMember), nextCursor: Type.Null() }),
          ...errorResponses,
        },
      },
      preHandler: staffAdmin,
    },
    async (req) => ({
      items: (await listStaff(db, req.auth.tenantId)).map((s) => ({
        ...staffView(s),
        createdAt: iso(s.created_at)!,
        lastLoginAt: iso(s.last_login_at),
      })),
      nextCursor: null,
    }),
  )
  done()
}
