import { Type } from 'typebox'
import { DateTime, Metadata, Name, NullableString, PageQuery } from '../lib/schemas.js'

const Email = Type.String({ format: 'email', maxLength: 320 })
const ExternalId = Type.String({ minLength: 1, maxLength: 200 })

/** A customer as returned by the API. */
export const CustomerSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    email: NullableString(),
    externalId: NullableString(),
    stripeCustomerId: NullableString(),
    metadata: Type.Record(Type.String(), Type.Unknown()),
    createdAt: DateTime,
    updatedAt: DateTime,
  },
  { $id: 'Customer' },
)

/** Body of POST /v1/admin/customers. */
export const CreateCustomerBody = Type.Object(
  {
    name: Name,
    email: Type.Optional(Type.Union([Email, Type.Null()])),
    externalId: Type.Optional(Type.Union([ExternalId, Type.Null()])),
    stripeCustomerId: Type.Optional(Type.Union([ExternalId, Type.Null()])),
    metadata: Type.Optional(Metadata),
  },
  { additionalProperties: false },
)

/** Body of PATCH /v1/admin/customers/:id. */
export const UpdateCustomerBody = Type.Object(
  {
    name: Type.Optional(Name),
    email: Type.Optional(Type.Union([Email, Type.Null()])),
    externalId: Type.Optional(Type.Union([ExternalId, Type.Null()])),
    stripeCustomerId: Type.Optional(Type.Union([ExternalId, Type.Null()])),
    metadata: Type.Optional(Metadata),
  },
  { additionalProperties: false, minProperties: 1 },
)

/** Query of GET /v1/admin/customers. */
export const ListCustomersQuery = Type.Object(
  { ...PageQuery, email: Type.Optional(Email) },
  { additionalProperties: false },
)
