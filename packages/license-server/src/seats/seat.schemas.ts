import { Type } from 'typebox'
import { DateTime, IdParams } from '../lib/schemas.js'
import { InstallId, LicenseKey } from '../deployments/deployment.schemas.js'

/** The app's scope string: what one seat is held by (a process, a user session...). */
export const SeatScope = Type.String({ minLength: 1, maxLength: 200, pattern: '^[^\\u0000]+$' })

/** A seat lease id. */
export const SeatLeaseId = Type.String({
  minLength: 1,
  maxLength: 100,
  pattern: '^seat_[0-9a-z]+$',
})

/** Body of POST /v1/seats/checkout. */
export const CheckoutBody = Type.Object(
  { key: LicenseKey, scope: SeatScope, deploymentId: Type.Optional(InstallId) },
  { additionalProperties: false },
)

/** Body of POST /v1/seats/renew and /v1/seats/checkin. */
export const LeaseBody = Type.Object(
  { key: LicenseKey, leaseId: SeatLeaseId },
  { additionalProperties: false },
)

const SignedSeatFields = {
  leaseId: Type.String(),
  lease: Type.String(),
  scope: Type.String(),
  overage: Type.Boolean(),
  expiresAt: DateTime,
}

/** Answer of POST /v1/seats/checkout. */
export const CheckoutResponse = Type.Object({
  ...SignedSeatFields,
  warning: Type.Union([Type.Literal('SEATS_OVERAGE'), Type.Null()]),
  seats: Type.Object({ used: Type.Integer(), seats: Type.Integer(), limit: Type.Integer() }),
})

/** Answer of POST /v1/seats/renew. */
export const RenewResponse = Type.Object(SignedSeatFields)

/** Answer of POST /v1/seats/checkin. */
export const CheckInResponse = Type.Object({ released: Type.Boolean() })

/** A held seat lease (admin view). */
export const SeatLeaseSchema = Type.Object({
  id: Type.String(),
  licenseId: Type.String(),
  scope: Type.String(),
  deploymentId: Type.Union([Type.String(), Type.Null()]),
  address: Type.Union([Type.String(), Type.Null()]),
  overage: Type.Boolean(),
  checkedOutAt: DateTime,
  renewedAt: DateTime,
  expiresAt: DateTime,
})

/** Answer of GET /v1/admin/licenses/:id/seats. */
export const SeatListResponse = Type.Object({
  data: Type.Array(SeatLeaseSchema),
  seats: Type.Object({
    used: Type.Integer(),
    seats: Type.Integer(),
    limit: Type.Integer(),
    pooled: Type.Integer(),
    online: Type.Integer(),
  }),
  /** Unexpired relay pools: they hold `pooled` of the seats until they expire. */
  pools: Type.Array(
    Type.Object({
      id: Type.String(),
      seats: Type.Integer(),
      hostname: Type.String(),
      expiresAt: Type.String(),
    }),
  ),
})

/** Params of DELETE /v1/admin/licenses/:id/seats/:leaseId. */
export const SeatParams = Type.Object(
  { id: IdParams.properties.id, leaseId: SeatLeaseId },
  { additionalProperties: false },
)
