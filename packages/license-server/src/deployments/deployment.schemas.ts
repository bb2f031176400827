import { Type } from 'typebox'
import { DateTime, NullableDateTime, PageQuery } from '../lib/schemas.js'

/** A license key in a request body. */
export const LicenseKey = Type.String({ minLength: 1, maxLength: 16_384 })

/** The client's install id (as the license's node lock allows it). */
export const InstallId = Type.String({ minLength: 1, maxLength: 200 })

/** An app version string. */
export const AppVersion = Type.String({ minLength: 1, maxLength: 64 })

/** Lease status, as signed in the lease. */
export const LeaseStatusSchema = Type.Union(
  ['active', 'suspended', 'revoked', 'expired'].map((s) => Type.Literal(s)),
)

/** Validation-style code next to the status. */
export const CheckInCode = Type.Union(
  ['VALID', 'GRACE_EXPIRED', 'EXPIRED', 'SUSPENDED', 'REVOKED'].map((s) => Type.Literal(s)),
)

const Fingerprint = Type.Object(
  {
    hostname: Type.Optional(Type.String({ maxLength: 255 })),
    machineId: Type.Optional(Type.String({ maxLength: 255 })),
    container: Type.Optional(Type.Union([Type.String({ maxLength: 255 }), Type.Boolean()])),
  },
  { additionalProperties: false },
)

/** Body of POST /v1/deployments/activate. */
export const ActivateBody = Type.Object(
  {
    key: LicenseKey,
    deploymentId: InstallId,
    fingerprint: Type.Optional(Fingerprint),
    appVersion: Type.Optional(AppVersion),
  },
  { additionalProperties: false },
)

/** Answer of POST /v1/deployments/activate. */
export const ActivateResponse = Type.Object({
  status: LeaseStatusSchema,
  code: CheckInCode,
  lease: Type.String(),
  license: Type.Ref('License'),
  deployment: Type.Union([Type.Ref('Deployment'), Type.Null()]),
})

/** Body of POST /v1/deployments/heartbeat. */
export const HeartbeatBody = Type.Object(
  { key: LicenseKey, deploymentId: InstallId, appVersion: Type.Optional(AppVersion) },
  { additionalProperties: false },
)

/** Answer of POST /v1/deployments/heartbeat. */
export const HeartbeatResponse = Type.Object({
  status: LeaseStatusSchema,
  code: CheckInCode,
  lease: Type.String(),
})

/** Body of POST /v1/deployments/deactivate. */
export const DeactivateBody = Type.Object(
  { key: LicenseKey, deploymentId: InstallId },
  { additionalProperties: false },
)

/** A deployment as the API shows it. */
export const DeploymentSchema = Type.Object(
  {
    id: Type.String(),
    licenseId: Type.String(),
    deploymentId: Type.String(),
    status: Type.Union(['active', 'inactive', 'dead', 'refused'].map((s) => Type.Literal(s))),
    fingerprint: Fingerprint,
    appVersion: Type.Union([Type.String(), Type.Null()]),
    address: Type.Union([Type.String(), Type.Null()]),
    activatedAt: DateTime,
    lastSeenAt: DateTime,
    deactivatedAt: NullableDateTime,
    deactivatedReason: Type.Union([
      Type.Literal('client'),
      Type.Literal('admin'),
      Type.Literal('dead'),
      Type.Literal('customer'),
      Type.Null(),
    ]),
    createdAt: DateTime,
    updatedAt: DateTime,
  },
  { $id: 'Deployment' },
)

/** Answer of the deactivate routes. */
export const DeactivateResponse = Type.Object({
  deactivated: Type.Boolean(),
  deployment: Type.Ref('Deployment'),
})

/** Query of GET /v1/admin/licenses/:id/deployments. */
export const ListDeploymentsQuery = Type.Object(
  {
    ...PageQuery,
    status: Type.Optional(
      Type.Union([
        Type.Literal('active'),
        Type.Literal('inactive'),
        Type.Literal('dead'),
        Type.Literal('refused'),
      ]),
    ),
  },
  { additionalProperties: false },
)
