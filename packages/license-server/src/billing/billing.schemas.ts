import { Type } from 'typebox'
import { DateTime, NullableDateTime, PageQuery } from '../lib/schemas.js'

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()])

const EventStatus = Type.Union([
  Type.Literal('received'),
  Type.Literal('processed'),
  Type.Literal('failed'),
  Type.Literal('ignored'),
])

/** A stored Stripe event as the admin API shows it. */
export const BillingEventSchema = Type.Object(
  {
    id: Type.String(),
    stripeEventId: Type.String(),
    type: Type.String(),
    objectId: Nullable(Type.String()),
    livemode: Type.Boolean(),
    status: EventStatus,
    note: Nullable(Type.String()),
    error: Nullable(Type.String()),
    attempts: Type.Integer(),
    stripeCreatedAt: DateTime,
    receivedAt: DateTime,
    processedAt: NullableDateTime,
    updatedAt: DateTime,
    payload: Type.Optional(Type.Unknown()),
  },
  { $id: 'BillingEvent' },
)

/** Query of GET /v1/admin/billing/events. */
export const ListBillingEventsQuery = Type.Object(
  {
    ...PageQuery,
    status: Type.Optional(EventStatus),
    type: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  },
  { additionalProperties: false },
)

/** `:id` of a billing event: ours (`bev_...`) or Stripe's (`evt_...`). */
export const BillingEventParams = Type.Object(
  { id: Type.String({ minLength: 3, maxLength: 255, pattern: '^(bev|evt)_[0-9A-Za-z_]+$' }) },
  { additionalProperties: false },
)

/** Body of POST /v1/billing/checkout. */
export const CheckoutBody = Type.Object(
  {
    planId: Type.String({ minLength: 3, maxLength: 64, pattern: '^pln_[0-9a-z]+$' }),
    email: Type.Optional(Type.String({ format: 'email', maxLength: 320 })),
    quantity: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
    /** A license key: the subscription takes over that (staff-issued) license. */
    key: Type.Optional(Type.String({ minLength: 10, maxLength: 16_384 })),
  },
  { additionalProperties: false },
)

/** Answer of POST /v1/billing/checkout. */
export const CheckoutResponse = Type.Object({ id: Type.String(), url: Nullable(Type.String()) })

/** Body of POST /v1/billing/portal: the license key authenticates the buyer. */
export const PortalBody = Type.Object(
  { key: Type.String({ minLength: 10, maxLength: 16_384 }) },
  { additionalProperties: false },
)

/** Answer of POST /v1/billing/portal. */
export const PortalResponse = Type.Object({ url: Type.String() })
