import { Type } from 'typebox'
import { DateTime, NullableString, StringEnum } from '../lib/schemas.js'

/** A person of a customer account, as the admin API shows it. */
export const PortalUserSchema = Type.Object({
  id: Type.String(),
  customerId: Type.String(),
  email: Type.String(),
  role: StringEnum(['admin', 'member'] as const),
  status: StringEnum(['invited', 'active', 'disabled'] as const),
  invitedBy: Type.String(),
  lastLoginAt: NullableString({ format: 'date-time' }),
  createdAt: DateTime,
})

/** Body of POST /v1/admin/customers/:id/portal-users. */
export const InvitePortalUserBody = Type.Object(
  {
    email: Type.String({ minLength: 3, maxLength: 254 }),
    role: Type.Optional(StringEnum(['admin', 'member'] as const)),
  },
  { additionalProperties: false },
)

/** Answer of POST /v1/admin/customers/:id/portal-link. */
export const SupportLinkSchema = Type.Object({
  id: Type.String(),
  customerId: Type.String(),
  url: Type.String(),
  expiresAt: DateTime,
})

/** Portal branding of a tenant (body of PUT and answer of GET /v1/admin/portal/branding). */
export const BrandingSchema = Type.Object(
  {
    productName: Type.Union([Type.String({ minLength: 1, maxLength: 100 }), Type.Null()]),
    logoUrl: Type.Union([Type.String({ minLength: 1, maxLength: 2048 }), Type.Null()]),
    supportEmail: Type.Union([Type.String({ minLength: 3, maxLength: 254 }), Type.Null()]),
  },
  { additionalProperties: false },
)

/** Body of PUT /v1/admin/plans/:id/seat-reset-policy. */
export const SeatResetPolicyBody = Type.Object(
  {
    maxResets: Type.Integer({ minimum: 0, maximum: 1000 }),
    windowDays: Type.Integer({ minimum: 1, maximum: 3650 }),
    cooldownHours: Type.Integer({ minimum: 0, maximum: 8760 }),
  },
  { additionalProperties: false },
)

/** Answer of the seat-reset-policy routes (`custom: false`: the defaults apply). */
export const SeatResetPolicySchema = Type.Object({
  planId: Type.String(),
  maxResets: Type.Integer(),
  windowDays: Type.Integer(),
  cooldownHours: Type.Integer(),
  custom: Type.Boolean(),
})
