import { Type } from 'typebox'
import { VALIDATION_CODES } from './check-license-key.js'
import {
  DateTime,
  EntitlementsSchema,
  LimitsSchema,
  Metadata,
  NullableDateTime,
  NullableObject,
  NullableString,
  StringEnum,
  PageQuery,
  PartialPolicySchema,
  PolicySchema,
} from '../lib/schemas.js'

const STATUSES = ['active', 'suspended', 'revoked', 'expired'] as const
const Status = Type.Union(STATUSES.map((s) => Type.Literal(s)))
const RefId = (prefix: string) =>
  Type.String({ minLength: 3, maxLength: 64, pattern: `^${prefix}_[0-9a-z]+$` })
const Reason = Type.String({ minLength: 1, maxLength: 500 })
const DeploymentId = Type.String({ minLength: 1, maxLength: 200 })

/** A license as returned by the API. */
export const LicenseSchema = Type.Object(
  {
    id: Type.String(),
    customerId: Type.String(),
    planId: Type.String(),
    product: Type.String(),
    tier: Type.String(),
    status: StringEnum(STATUSES),
    statusReason: NullableString(),
    entitlements: Type.Array(Type.String()),
    limits: Type.Record(Type.String(), Type.Number()),
    policy: PolicySchema,
    metadata: Type.Record(Type.String(), Type.Unknown()),
    kid: Type.String(),
    issuedAt: DateTime,
    expiresAt: NullableString({ format: 'date-time' }),
    suspendedAt: NullableString({ format: 'date-time' }),
    revokedAt: NullableString({ format: 'date-time' }),
    deploymentId: NullableString(),
    createdAt: DateTime,
    updatedAt: DateTime,
  },
  { $id: 'License' },
)

/** `{ license, token }`: answers that carry a freshly signed token. */
export const LicenseWithToken = Type.Object({
  license: Type.Ref('License'),
  token: Type.String(),
})

/** Body of POST /v1/admin/licenses. */
export const IssueLicenseBody = Type.Object(
  {
    customerId: RefId('cus'),
    planId: RefId('pln'),
    expiresAt: Type.Optional(NullableDateTime),
    entitlements: Type.Optional(EntitlementsSchema),
    limits: Type.Optional(LimitsSchema),
    policy: Type.Optional(PartialPolicySchema),
    deploymentId: Type.Optional(Type.Union([DeploymentId, Type.Null()])),
    metadata: Type.Optional(Metadata),
    /** Email the key to the customer (through the outbox). */
    email: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
)

/** Query of GET /v1/admin/licenses. */
export const ListLicensesQuery = Type.Object(
  {
    ...PageQuery,
    status: Type.Optional(Status),
    customerId: Type.Optional(RefId('cus')),
    planId: Type.Optional(RefId('pln')),
  },
  { additionalProperties: false },
)

/** Body of suspend / revoke (reason required). */
export const ReasonBody = Type.Object({ reason: Reason }, { additionalProperties: false })

/** Body of reinstate (reason optional; the body itself may be omitted). */
export const OptionalReasonBody = Type.Union([
  Type.Object({ reason: Type.Optional(Reason) }, { additionalProperties: false }),
  Type.Null(),
])

/** Body of renew. */
export const RenewBody = Type.Object(
  { expiresAt: NullableDateTime },
  { additionalProperties: false },
)

/** Body of POST /v1/licenses/validate. */
export const ValidateBody = Type.Object(
  {
    key: Type.String({ minLength: 1, maxLength: 16_384 }),
    deploymentId: Type.Optional(DeploymentId),
  },
  { additionalProperties: false },
)

/** Answer of POST /v1/licenses/validate. */
export const ValidateResponse = Type.Object({
  valid: Type.Boolean(),
  code: StringEnum(VALIDATION_CODES),
  license: NullableObject(LicenseSchema),
  entitlements: Type.Array(Type.String()),
  limits: Type.Record(Type.String(), Type.Number()),
  warnings: Type.Array(Type.String()),
})
