import { Type } from 'typebox'
import { EVENT_FILTERS, EVENT_TYPES } from '../events/event-types.js'
import { DateTime, NullableInteger, NullableString, PageQuery, StringEnum } from '../lib/schemas.js'

const Url = Type.String({ minLength: 8, maxLength: 2048, pattern: '^https?://' })
const EventFilters = Type.Array(StringEnum(EVENT_FILTERS), {
  minItems: 1,
  maxItems: EVENT_FILTERS.length,
})
const Description = Type.Union([Type.String({ maxLength: 500 }), Type.Null()])
const Email = Type.Union([
  Type.String({ minLength: 3, maxLength: 320, pattern: '^[^@\\s]+@[^@\\s]+$' }),
  Type.Null(),
])
const EndpointStatus = StringEnum(['enabled', 'disabled'] as const)
const DeliveryStatus = StringEnum(['pending', 'delivered', 'failed'] as const)
const RefId = (prefix: string) => Type.String({ maxLength: 64, pattern: `^${prefix}_[0-9a-z]+$` })

/** A webhook endpoint as returned by the API (never its secret). */
export const WebhookEndpointSchema = Type.Object(
  {
    id: Type.String(),
    url: Type.String(),
    description: NullableString(),
    eventTypes: Type.Array(Type.String()),
    status: EndpointStatus,
    disabledReason: NullableString(),
    alertEmail: NullableString(),
    consecutiveFailures: Type.Integer(),
    failingSince: NullableString({ format: 'date-time' }),
    previousSecretExpiresAt: NullableString({ format: 'date-time' }),
    createdAt: DateTime,
    updatedAt: DateTime,
  },
  { $id: 'WebhookEndpoint' },
)

/** An endpoint with its secret (create and rotate: shown once). */
export const EndpointWithSecret = Type.Object({
  endpoint: Type.Ref('WebhookEndpoint'),
  secret: Type.String(),
})

/** Body of POST /v1/admin/webhooks. */
export const CreateEndpointBody = Type.Object(
  {
    url: Url,
    eventTypes: EventFilters,
    description: Type.Optional(Description),
    alertEmail: Type.Optional(Email),
  },
  { additionalProperties: false },
)

/** Body of PATCH /v1/admin/webhooks/:id. */
export const UpdateEndpointBody = Type.Object(
  {
    url: Type.Optional(Url),
    eventTypes: Type.Optional(EventFilters),
    description: Type.Optional(Description),
    alertEmail: Type.Optional(Email),
    status: Type.Optional(EndpointStatus),
  },
  { additionalProperties: false, minProperties: 1 },
)

/** Body of POST /v1/admin/webhooks/:id/rotate-secret (optional). */
export const RotateSecretBody = Type.Union([
  Type.Object(
    { overlapSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 30 * 86_400 })) },
    { additionalProperties: false },
  ),
  Type.Null(),
])

const Attempt = Type.Object({
  attempt: Type.Integer(),
  at: DateTime,
  statusCode: NullableInteger,
  latencyMs: Type.Integer(),
  error: NullableString(),
  responseSnippet: NullableString(),
})

/** A delivery as returned by the API (`log` only on the single-delivery route). */
export const WebhookDeliverySchema = Type.Object(
  {
    id: Type.String(),
    endpointId: Type.String(),
    eventId: Type.String(),
    status: DeliveryStatus,
    attempts: Type.Integer(),
    nextAttemptAt: NullableString({ format: 'date-time' }),
    retryUntil: DateTime,
    lastAttemptAt: NullableString({ format: 'date-time' }),
    lastStatusCode: NullableInteger,
    lastLatencyMs: NullableInteger,
    lastError: NullableString(),
    createdAt: DateTime,
    deliveredAt: NullableString({ format: 'date-time' }),
    log: Type.Optional(Type.Array(Attempt)),
  },
  { $id: 'WebhookDelivery' },
)

/** Query of GET /v1/admin/webhooks/deliveries. */
export const ListDeliveriesQuery = Type.Object(
  {
    ...PageQuery,
    endpointId: Type.Optional(RefId('whe')),
    eventId: Type.Optional(RefId('evt')),
    status: Type.Optional(DeliveryStatus),
  },
  { additionalProperties: false },
)

/** An event as returned by the API. */
export const EventSchema = Type.Object(
  {
    id: Type.String(),
    type: Type.String(),
    licenseId: NullableString(),
    subjectType: Type.String(),
    subjectId: Type.String(),
    data: Type.Unknown(),
    createdAt: DateTime,
  },
  { $id: 'Event' },
)

/** Query of GET /v1/admin/events. */
export const ListEventsQuery = Type.Object(
  {
    ...PageQuery,
    type: Type.Optional(StringEnum(EVENT_TYPES)),
    licenseId: Type.Optional(RefId('lic')),
  },
  { additionalProperties: false },
)
