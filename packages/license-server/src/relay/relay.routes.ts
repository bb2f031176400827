import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { poolValidity } from '@tollgate/license-client'
import { DateTime, errorResponses } from '../lib/schemas.js'
import { CheckoutBody, LeaseBody, CheckInResponse } from '../seats/seat.schemas.js'
import { relayCheckIn } from './relay-check-in.js'
import { relayCheckout } from './relay-checkout.js'
import type { RelayDeps } from './relay-deps.js'
import { heldRelayLeases } from './relay-lease.repository.js'
import { seatLimit } from '../seats/seat-limit.js'
import { relayRenew } from './relay-renew.js'

const tags = ['relay']

const RelaySeatFields = {
  leaseId: Type.String(),
  lease: Type.String(),
  scope: Type.String(),
  overage: Type.Boolean(),
  expiresAt: DateTime,
  pool: Type.String(),
  poolExpiresAt: DateTime,
  warning: Type.Union([Type.Literal('SEATS_OVERAGE'), Type.Literal('POOL_EXPIRING'), Type.Null()]),
}

const CheckoutResponse = Type.Object({
  ...RelaySeatFields,
  seats: Type.Object({ used: Type.Integer(), seats: Type.Integer(), limit: Type.Integer() }),
})

/** Where a relay serves its pool file (clients verify leases with it). */
export const RELAY_POOL_PATH = '/.well-known/tollgate-pool'

/**
 * The relay's routes, and nothing else: `POST /v1/seats/checkout|renew|checkin` (the license
 * server's seat API, answered from the relay's pool with leases signed by the relay key),
 * `GET /health` (pool state: `ok`, `expiring`, `expired`, `not_yet_valid`, and seats held), `GET
 * /.well-known/jwks.json` (the relay's public key) and `GET /.well-known/tollgate-pool` (the pool
 * file in force).
 *
 * @example
 * ```ts
 * await app.register(relayRoutes, { deps })
 * ```
 */
export const relayRoutes: FastifyPluginCallbackTypebox<{ deps: RelayDeps }> = (
  app,
  { deps },
  done,
) => {
  app.post(
    '/v1/seats/checkout',
    {
      schema: { tags, body: CheckoutBody, response: { 200: CheckoutResponse, ...errorResponses } },
    },
    (req) =>
      relayCheckout(deps, {
        key: req.body.key,
        scope: req.body.scope,
        deploymentId: req.body.deploymentId,
        address: req.ip,
      }),
  )
  app.post(
    '/v1/seats/renew',
    {
      schema: {
        tags,
        body: LeaseBody,
        response: { 200: Type.Object(RelaySeatFields), ...errorResponses },
      },
    },
    (req) => relayRenew(deps, { key: req.body.key, leaseId: req.body.leaseId }),
  )
  app.post(
    '/v1/seats/checkin',
    { schema: { tags, body: LeaseBody, response: { 200: CheckInResponse, ...errorResponses } } },
    (req) => relayCheckIn(deps, { key: req.body.key, leaseId: req.body.leaseId }),
  )
  app.get('/health', async () => {
    const pool = await deps.pools.current()
    const now = deps.now()
    const v = poolValidity(pool.claims, now.getTime())
    const { seats, policy } = pool.claims
    const state =
      v.state === 'valid' ? (v.secondsLeft < deps.warnBeforeS ? 'expiring' : 'ok') : v.state
    return {
      status: state === 'ok' || state === 'expiring' ? 'ok' : 'degraded',
      pool: {
        id: pool.claims.jti,
        licenseId: pool.claims.lid,
        state,
        seats: {
          used: await heldRelayLeases(deps.db, now),
          seats,
          limit: seatLimit({ seats, ...policy }),
        },
        expiresAt: new Date(pool.claims.exp * 1000).toISOString(),
      },
      relayKid: deps.identity.publicKey.kid,
    }
  })
  app.get('/.well-known/jwks.json', () => ({ keys: [deps.identity.publicKey] }))
  app.get(RELAY_POOL_PATH, async (_req, reply) => {
    const pool = await deps.pools.current()
    return reply.type('application/jwt').send(pool.jws)
  })
  done()
}
