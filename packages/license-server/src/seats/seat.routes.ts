import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox'
import type { Fleet } from '../deployments/fleet.js'
import { errorResponses } from '../lib/schemas.js'
import { checkInSeat } from './check-in-seat.js'
import { checkoutSeat } from './checkout-seat.js'
import { KeyedQueue } from './keyed-queue.js'
import { renewSeat } from './renew-seat.js'
import type { SeatDeps } from './seat-deps.js'
import { counted, createSeatMetrics } from './seat-metrics.js'
import {
  CheckInResponse,
  CheckoutBody,
  CheckoutResponse,
  LeaseBody,
  RenewResponse,
} from './seat.schemas.js'

const tags = ['seats']

/**
 * Public floating-seat routes under /v1 (the license key authenticates, like heartbeats):
 * `POST /seats/checkout`, `/seats/renew`, `/seats/checkin`. Checkout and renew are limited per
 * license by plan tier; every outcome is counted in `tollgate_seat_operations_total`.
 *
 * @example
 * ```ts
 * pub.register(seatRoutes, { fleet })
 * ```
 */
export const seatRoutes: FastifyPluginCallbackTypebox<{ fleet: Fleet }> = (
  app,
  { fleet },
  done,
) => {
  const { rateLimits, db } = app.tollgate
  const metrics = createSeatMetrics(app.tollgate.metrics.registry)
  const deps: SeatDeps = {
    db,
    signer: fleet.signer,
    now: () => fleet.now(),
    queue: new KeyedQueue(),
  }

  app.post(
    '/seats/checkout',
    {
      schema: { tags, body: CheckoutBody, response: { 200: CheckoutResponse, ...errorResponses } },
    },
    async (req, reply) => {
      const key = await fleet.verifier.verify(req.body.key, fleet.now())
      await rateLimits.perLicense(req, reply, { id: key.licenseId, tier: key.tier })
      return counted(
        metrics,
        'checkout',
        () =>
          checkoutSeat(deps, {
            tenantId: key.tenantId,
            licenseId: key.licenseId,
            scope: req.body.scope,
            deploymentId: req.body.deploymentId,
            address: req.ip,
          }),
        (r) => (r.overage ? 'overage' : 'ok'),
      )
    },
  )

  app.post(
    '/seats/renew',
    { schema: { tags, body: LeaseBody, response: { 200: RenewResponse, ...errorResponses } } },
    async (req, reply) => {
      const key = await fleet.verifier.verify(req.body.key, fleet.now())
      await rateLimits.perLicense(req, reply, { id: key.licenseId, tier: key.tier })
      return counted(metrics, 'renew', () =>
        renewSeat(deps, {
          tenantId: key.tenantId,
          licenseId: key.licenseId,
          leaseId: req.body.leaseId,
        }),
      )
    },
  )

  app.post(
    '/seats/checkin',
    { schema: { tags, body: LeaseBody, response: { 200: CheckInResponse, ...errorResponses } } },
    async (req) => {
      const key = await fleet.verifier.verify(req.body.key, fleet.now())
      return counted(metrics, 'checkin', () =>
        checkInSeat(db, { licenseId: key.licenseId, leaseId: req.body.leaseId }),
      )
    },
  )
  done()
}
