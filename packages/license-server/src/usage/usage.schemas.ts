import { Type } from 'typebox'

/** A UTC day, `YYYY-MM-DD` (the calendar check happens in the handler). */
export const Day = Type.String({ pattern: '^[12][0-9]{3}-[01][0-9]-[0-3][0-9]$' })

/** A metric name. */
export const Metric = Type.String({
  minLength: 1,
  maxLength: 64,
  pattern: '^[A-Za-z0-9][A-Za-z0-9_.:-]*$',
})

/** Body of POST /v1/usage. */
export const UsageBody = Type.Object(
  {
    key: Type.String({ minLength: 1, maxLength: 16_384 }),
    deploymentId: Type.String({ minLength: 1, maxLength: 200 }),
    batchId: Type.String({
      minLength: 1,
      maxLength: 128,
      pattern: '^[A-Za-z0-9][A-Za-z0-9_.:-]*$',
    }),
    counters: Type.Array(
      Type.Object(
        {
          metric: Metric,
          amount: Type.Number({ minimum: 0, maximum: 1e15 }),
          period: Day,
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 1000 },
    ),
  },
  { additionalProperties: false },
)

/** Answer of POST /v1/usage. */
export const UsageResponse = Type.Object({
  accepted: Type.Boolean(),
  duplicate: Type.Boolean(),
})

/** Query of GET /v1/admin/licenses/:id/usage. */
export const UsageQuery = Type.Object(
  {
    metric: Type.Optional(Metric),
    from: Type.Optional(Day),
    to: Type.Optional(Day),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 5000, default: 1000 })),
  },
  { additionalProperties: false },
)

/** Answer of GET /v1/admin/licenses/:id/usage. */
export const UsageReport = Type.Object({
  licenseId: Type.String(),
  items: Type.Array(
    Type.Object({ metric: Type.String(), day: Type.String(), amount: Type.Number() }),
  ),
  /** Usage is bounded by from/to and limit; no cursor pages (always null). */
  nextCursor: Type.Null(),
})
