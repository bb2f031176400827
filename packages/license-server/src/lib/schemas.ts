import { Type, type Static, type TSchema } from 'typebox'
import { PAGE } from './pagination.js'

/** The error body every 4xx/5xx answer uses. */
export const ErrorSchema = Type.Object(
  { error: Type.String(), code: Type.String(), status: Type.Integer() },
  { $id: 'Error', additionalProperties: false },
)

/** Responses every route may give, for the OpenAPI document. */
export const errorResponses = {
  '4xx': Type.Ref('Error'),
  '5xx': Type.Ref('Error'),
}

/** A prefixed id path parameter. */
export const IdParams = Type.Object(
  { id: Type.String({ minLength: 3, maxLength: 64, pattern: '^[a-z]{2,8}_[0-9a-z]+$' }) },
  { additionalProperties: false },
)

/** No query parameters allowed (unknown ones are VALIDATION_FAILED). */
export const EmptyQuery = Type.Object({}, { additionalProperties: false })

/** Body of an action that takes none: absent, `null` or `{}`; anything else is refused. */
export const EmptyBody = Type.Union([Type.Object({}, { additionalProperties: false }), Type.Null()])

/** `?limit=&cursor=` of list routes. */
export const PageQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: PAGE.max, default: PAGE.default })),
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
}

/** `{ items, nextCursor }` of list routes. */
export function PageOf<T extends TSchema>(item: T) {
  return Type.Object({
    items: Type.Array(item),
    nextCursor: NullableString(),
  })
}

/** An ISO-8601 date-time string. */
export const DateTime = Type.String({ format: 'date-time' })

/** ISO date-time or null (request bodies). */
export const NullableDateTime = Type.Union([DateTime, Type.Null()])

/**
 * `string | null` for response schemas. A `type` array, not `anyOf`: fast-json-stringify runs a
 * full Ajv validation to pick an `anyOf` branch on every serialisation, a type array is a typeof.
 */
export function NullableString(opts: { format?: string } = {}) {
  return Type.Unsafe<string | null>({ type: ['string', 'null'], ...opts })
}

/** `integer | null` for response schemas (see {@link NullableString}). */
export const NullableInteger = Type.Unsafe<number | null>({ type: ['integer', 'null'] })

/** A string from a fixed set, as `enum` (not a union of literals; see {@link NullableString}). */
export function StringEnum<T extends string>(values: readonly T[]) {
  return Type.Unsafe<T>({ type: 'string', enum: [...values] })
}

/** A nullable copy of an object schema for responses (see {@link NullableString}). */
export function NullableObject<T extends TSchema>(schema: T) {
  // A copy without `$id`: the original stays the one registered schema of that id.
  const copy: Record<string, unknown> = { ...(schema as Record<string, unknown>) }
  delete copy.$id
  return Type.Unsafe<Static<T> | null>({ ...copy, type: ['object', 'null'] })
}

/** Free-form JSON metadata (a small object). */
export const Metadata = Type.Record(Type.String({ maxLength: 64 }), Type.Unknown(), {
  maxProperties: 50,
})

/** A short human string. */
export const Name = Type.String({ minLength: 1, maxLength: 200 })

/** Names of features / products / tiers. */
export const Slug = Type.String({
  minLength: 1,
  maxLength: 100,
  pattern: '^[A-Za-z0-9][A-Za-z0-9_.:-]*$',
})

/** Licensing policy (all fields, as stored and signed). */
export const PolicySchema = Type.Object(
  {
    expiryGraceDays: Type.Integer({ minimum: 0, maximum: 3650 }),
    offlineGraceDays: Type.Integer({ minimum: 0, maximum: 3650 }),
    heartbeatIntervalS: Type.Integer({ minimum: 1, maximum: 31_536_000 }),
    maxDeployments: Type.Integer({ minimum: 0, maximum: 1_000_000 }),
    /** A deployment id seen from another machine: 'report' (default), 'rebind' or 'block'. */
    onFingerprintChange: Type.Optional(StringEnum(['report', 'rebind', 'block'] as const)),
    // Floating (concurrent) seats (issue 18): see src/seats.
    floating: Type.Optional(
      Type.Object(
        {
          seats: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
          leaseTtlS: Type.Integer({ minimum: 5, maximum: 86_400 }),
          overage: StringEnum(['deny', 'allow_1_25x', 'allow_1_5x', 'allow_2x'] as const),
        },
        { additionalProperties: false },
      ),
    ),
    // Trials (t18, issue 18): features kept once the license has expired (the free tier).
    freeFeatures: Type.Optional(Type.Array(Slug, { maxItems: 200, uniqueItems: true })),
  },
  { additionalProperties: false },
)

/** Policy overrides (any subset). */
export const PartialPolicySchema = Type.Partial(PolicySchema, { additionalProperties: false })

/** `{ users: 50 }` style limits. */
export const LimitsSchema = Type.Record(
  Type.String({ pattern: '^[A-Za-z0-9_.-]{1,64}$' }),
  Type.Integer({ minimum: 0 }),
  {
    maxProperties: 50,
    additionalProperties: false,
  },
)

/** A list of entitlements. */
export const EntitlementsSchema = Type.Array(Slug, { maxItems: 200, uniqueItems: true })
