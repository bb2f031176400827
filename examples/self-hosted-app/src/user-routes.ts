import type { FastifyInstance } from 'fastify'
import { LicenseError, UserLimitReachedError, type LicenseClient } from '@tollgate/license-client'

/** The metric the seat limit counts. */
export const SEAT_METRIC = 'users'

interface SeatBody {
  name?: unknown
}

/** Options of {@link registerUserRoutes}. */
export interface UserRoutesOptions {
  license: LicenseClient
  /** The app's users (the owner first); the routes add and remove names. */
  users: string[]
  /**
   * Named users (`limits.maxUsers`): `POST /users` assigns the user on the license server and
   * `DELETE /users/:name` releases it. Only a hash of `licenseId:name` leaves the app.
   */
  namedUsers: boolean
}

function refusal(status: number, code: string, error: string, extra: object = {}): object {
  return { error, code, status, ...extra }
}

/**
 * `POST /users {"name"}` adds a user within the key's `users` limit (402 LIMIT_EXCEEDED, 403
 * LICENSE_NOT_VALID while restricted) and, with named users on, within the server's
 * `maxUsers` (402 USER_LIMIT_REACHED; 503 when the server cannot be asked). `DELETE
 * /users/:name` removes a user and frees its named seat.
 *
 * @example
 * ```ts
 * registerUserRoutes(app, { license, users: ['owner'], namedUsers: true })
 * ```
 */
export function registerUserRoutes(app: FastifyInstance, opts: UserRoutesOptions): void {
  const { license, users } = opts

  app.post<{ Body: SeatBody | null }>('/users', async (req, reply) => {
    const name = typeof req.body?.name === 'string' ? req.body.name.trim() : ''
    if (name === '') {
      return reply.code(400).send(refusal(400, 'VALIDATION_FAILED', 'Send {"name": "..."}'))
    }
    // The seat check counts the seat being added: with `users: 3`, the fourth user is refused.
    const check = license.checkLimit(SEAT_METRIC, users.length + 1)
    if (!check.allowed) {
      const restricted = license.state.restricted
      const status = restricted ? 403 : 402
      const extra = { limit: check.limit, used: users.length, licenseState: license.state.code }
      return reply.code(status).send(
        restricted
          ? // A restricted license is not a seat problem: say what it is, like requireFeature does.
            refusal(
              status,
              'LICENSE_NOT_VALID',
              `The license is ${license.state.code}: ${license.state.reason}`,
              extra,
            )
          : refusal(
              status,
              'LIMIT_EXCEEDED',
              `The plan allows ${check.limit ?? 0} users; upgrade for more`,
              extra,
            ),
      )
    }
    let named: { used: number; max: number } | null = null
    if (opts.namedUsers) {
      try {
        named = await license.assignUser(name)
      } catch (err) {
        if (err instanceof UserLimitReachedError) {
          return reply
            .code(402)
            .send(
              refusal(
                402,
                err.code,
                'The license has as many named users as it allows; remove one first',
              ),
            )
        }
        // The server decides named seats: without an answer the user is not added.
        const code = err instanceof LicenseError ? err.code : 'NETWORK_ERROR'
        return reply
          .code(503)
          .send(refusal(503, code, 'The license server could not assign the user; try again'))
      }
    }
    if (!users.includes(name)) users.push(name)
    return reply.code(201).send({
      users,
      limit: check.limit ?? null,
      remaining: check.remaining ?? null,
      ...(named ? { namedUsers: { used: named.used, max: named.max } } : {}),
    })
  })

  app.delete<{ Params: { name: string } }>('/users/:name', async (req, reply) => {
    const index = users.indexOf(req.params.name)
    if (index <= 0) {
      // The owner (index 0) cannot be removed; an unknown name is a 404.
      const status = index === 0 ? 400 : 404
      const code = index === 0 ? 'VALIDATION_FAILED' : 'NOT_FOUND'
      return reply
        .code(status)
        .send(refusal(status, code, index === 0 ? 'The owner stays' : 'No such user'))
    }
    let named: { used: number; max: number } | null = null
    if (opts.namedUsers) {
      try {
        named = await license.releaseUser(req.params.name)
      } catch (err) {
        const code = err instanceof LicenseError ? err.code : 'NETWORK_ERROR'
        return reply
          .code(503)
          .send(refusal(503, code, 'The license server could not release the user; try again'))
      }
    }
    users.splice(index, 1)
    return { users, ...(named ? { namedUsers: { used: named.used, max: named.max } } : {}) }
  })
}
