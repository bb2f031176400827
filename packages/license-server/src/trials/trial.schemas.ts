import { Type } from 'typebox'
import { Name } from '../lib/schemas.js'

const PlanRef = Type.String({ maxLength: 64, pattern: '^pln_[0-9a-z]+$' })
const CustomerRef = Type.String({ maxLength: 64, pattern: '^cus_[0-9a-z]+$' })
/** Loose on purpose: the service normalises and checks it (a typed VALIDATION_FAILED). */
const Email = Type.String({ minLength: 3, maxLength: 254 })

/** A trial as returned by the API. */
export const TrialSchema = Type.Object({
  id: Type.String(),
  licenseId: Type.String(),
  customerId: Type.String(),
  planId: Type.String(),
  email: Type.Union([Type.String(), Type.Null()]),
  source: Type.Union([Type.Literal('staff'), Type.Literal('self_service')]),
  endsAt: Type.String({ format: 'date-time' }),
  convertedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
})

/** Body of POST /v1/admin/trials. */
export const IssueTrialBody = Type.Object(
  {
    planId: PlanRef,
    email: Type.Optional(Email),
    customerId: Type.Optional(CustomerRef),
    name: Type.Optional(Name),
    /** Email the key to the customer (through the outbox). */
    deliver: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
)

/** Answer of POST /v1/admin/trials and POST /v1/trials/confirm. */
export const TrialWithToken = Type.Object({
  trial: TrialSchema,
  license: Type.Ref('License'),
  token: Type.String(),
})

/** Self-service trial settings of the tenant. */
export const TrialSettings = Type.Object(
  { selfServicePlanId: Type.Union([PlanRef, Type.Null()]) },
  { additionalProperties: false },
)

/** Body of POST /v1/trials/request. */
export const TrialRequestBody = Type.Object({ email: Email }, { additionalProperties: false })

/** Body of POST /v1/trials/confirm. */
export const TrialConfirmBody = Type.Object(
  { email: Email, code: Type.String({ minLength: 1, maxLength: 32 }) },
  { additionalProperties: false },
)

/** Query of GET /v1/admin/trials. */
export const ListTrialsQuery = Type.Object(
  {
    status: Type.Optional(
      Type.Union([Type.Literal('active'), Type.Literal('converted'), Type.Literal('expired')]),
    ),
    customerId: Type.Optional(CustomerRef),
    before: Type.Optional(Type.String({ maxLength: 64, pattern: '^trl_[0-9a-z]+$' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
  },
  { additionalProperties: false },
)

/** Answer of GET /v1/admin/trials. */
export const TrialListResponse = Type.Object({
  items: Type.Array(
    Type.Object({
      ...TrialSchema.properties,
      status: Type.Union([
        Type.Literal('active'),
        Type.Literal('converted'),
        Type.Literal('expired'),
      ]),
    }),
  ),
  next: Type.Union([Type.String(), Type.Null()]),
})
