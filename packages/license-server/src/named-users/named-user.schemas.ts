import { Type } from 'typebox'

/** A user id as the SDK sends it: SHA-256 hex (64 lower-case hex digits). */
export const UserHash = Type.String({ minLength: 64, maxLength: 64, pattern: '^[0-9a-f]{64}$' })

/** Body of POST /v1/licenses/users/assign|release (the license key authenticates). */
export const NamedUserBody = Type.Object(
  { key: Type.String({ minLength: 1, maxLength: 16_384 }), userHash: UserHash },
  { additionalProperties: false },
)

/** Answer of assign and release: the count after the call and the limit (0: none). */
export const NamedUserResult = Type.Object({
  assigned: Type.Optional(Type.Boolean()),
  released: Type.Optional(Type.Boolean()),
  used: Type.Integer(),
  max: Type.Integer(),
})

/** A named user as returned by the admin API. */
export const LicenseUserSchema = Type.Object({
  licenseId: Type.String(),
  userHash: Type.String(),
  assignedAt: Type.String({ format: 'date-time' }),
})

/** Query of GET /v1/admin/licenses/:id/users. */
export const ListLicenseUsersQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
    after: Type.Optional(UserHash),
  },
  { additionalProperties: false },
)

/** Body of POST /v1/admin/licenses/:id/users/release. */
export const ReleaseUserBody = Type.Object({ userHash: UserHash }, { additionalProperties: false })
