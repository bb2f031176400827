import Fastify, { type FastifyInstance } from 'fastify'
import { requireFeatureHook, type LicenseClient, type SeatHandle } from '@tollgate/license-client'
import type { DemoClock } from './demo-clock.js'
import { licenseStatus } from './license-status.js'
import { renderStatusPage } from './status-page.js'
import { registerUserRoutes } from './user-routes.js'

/** The paid feature this app sells. */
export const PAID_FEATURE = 'reports'
export { SEAT_METRIC } from './user-routes.js'

/** Options of {@link buildExampleApp}. */
export interface ExampleAppOptions {
  license: LicenseClient
  /** When given, `POST /demo/clock` moves the licensing clock (demos and the e2e test). */
  demoClock?: DemoClock
  /** Extra status fields, e.g. which server the app talks to. */
  about?: Record<string, string | undefined>
  /** Named users: `POST /users` / `DELETE /users/:name` assign and release on the server. */
  namedUsers?: boolean
  /** The process's floating seat, when the plan has `policy.floating` (shown on `/status`). */
  seat?: SeatHandle
}

/**
 * The example app: `GET /` (free), `GET /reports` (paid feature, 402 on a plan without it,
 * 403 while the license is restricted), `POST /users` (seat-limited by the license's `users`
 * limit; named users on the server with `namedUsers`), `DELETE /users/:name`, `GET /status` (license state, grace days left; HTML for browsers, JSON otherwise).
 * Licensing never takes the free route down: whatever the state, `/` answers.
 *
 * @example
 * ```ts
 * const app = buildExampleApp({ license })
 * await app.listen({ port: 4000 })
 * ```
 */
export function buildExampleApp(opts: ExampleAppOptions): FastifyInstance {
  const { license } = opts
  const app = Fastify({ logger: false })
  const users: string[] = ['owner']
  const seat = opts.seat
  // The floating seat changes state on its own (renewals, outages): read it at each request.
  const about = (): Record<string, string | undefined> =>
    seat ? { ...opts.about, 'floating seat': `${seat.state} (${seat.scope})` } : (opts.about ?? {})

  app.get('/', () => ({
    message: 'Hello from the free tier: this route works whatever the license says.',
    try: ['GET /reports', 'POST /users {"name":"ada"}', 'GET /status'],
  }))

  app.get('/reports', { preHandler: requireFeatureHook(license, PAID_FEATURE) }, () => ({
    report: 'Quarterly usage report',
    rows: [
      { month: 'Oct', seats: users.length, uptime: 99.98 },
      { month: 'Nov', seats: users.length, uptime: 99.99 },
    ],
  }))

  registerUserRoutes(app, { license, users, namedUsers: opts.namedUsers ?? false })

  app.get('/status', async (req, reply) => {
    const status = licenseStatus(license, users.length, opts.demoClock, about())
    if ((req.headers.accept ?? '').includes('text/html')) {
      return reply.type('text/html; charset=utf-8').send(renderStatusPage(status))
    }
    return status
  })

  const clock = opts.demoClock
  if (clock) {
    // Demo only: live N minutes in the future (0 = real time), then re-evaluate at once.
    app.post<{ Body: { offsetMinutes?: unknown } | null }>('/demo/clock', async (req, reply) => {
      const minutes = req.body?.offsetMinutes
      if (typeof minutes !== 'number' || !clock.setOffset(minutes * 60_000)) {
        return reply.code(400).send({
          error:
            'Send {"offsetMinutes": n} with 0 <= n (the clock only moves forward of real time)',
          code: 'VALIDATION_FAILED',
          status: 400,
        })
      }
      await license.refresh()
      return licenseStatus(license, users.length, clock, about())
    })
  }
  return app
}
