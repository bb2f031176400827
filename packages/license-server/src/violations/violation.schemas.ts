import { Type } from 'typebox'
import { DateTime, PageQuery } from '../lib/schemas.js'

/** A violation kind: `clock_tampered`, `signature_failure`, `integrity`, `key_sharing`... */
export const Kind = Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z][a-z0-9_.:-]*$' })

/** Severity. */
export const Severity = Type.Union([
  Type.Literal('low'),
  Type.Literal('medium'),
  Type.Literal('high'),
  Type.Literal('critical'),
])

/** Body of POST /v1/violations. */
export const ReportViolationBody = Type.Object(
  {
    key: Type.String({ minLength: 1, maxLength: 16_384 }),
    deploymentId: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    kind: Kind,
    severity: Type.Optional(Severity),
    details: Type.Optional(
      Type.Record(Type.String({ maxLength: 64 }), Type.Unknown(), { maxProperties: 50 }),
    ),
  },
  { additionalProperties: false },
)

/** A violation as the API shows it. */
export const ViolationSchema = Type.Object(
  {
    id: Type.String(),
    licenseId: Type.String(),
    deploymentId: Type.Union([Type.String(), Type.Null()]),
    kind: Type.String(),
    severity: Severity,
    source: Type.Union([Type.Literal('client'), Type.Literal('server')]),
    details: Type.Record(Type.String(), Type.Unknown()),
    address: Type.Union([Type.String(), Type.Null()]),
    occurrences: Type.Integer(),
    createdAt: DateTime,
    lastSeenAt: DateTime,
  },
  { $id: 'Violation' },
)

/** Answer of POST /v1/violations. */
export const ReportViolationResponse = Type.Object({
  id: Type.String(),
  kind: Type.String(),
  severity: Severity,
  occurrences: Type.Integer(),
})

/** Query of GET /v1/admin/violations. */
export const ListViolationsQuery = Type.Object(
  {
    ...PageQuery,
    licenseId: Type.Optional(
      Type.String({ minLength: 3, maxLength: 64, pattern: '^lic_[0-9a-z]+$' }),
    ),
    kind: Type.Optional(Kind),
  },
  { additionalProperties: false },
)
