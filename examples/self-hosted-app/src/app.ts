import Fastify, { type FastifyInstance } from 'fastify'
import { requireFeatureHook, type LicenseClient } from '@tollgate/license-client'
import type { DemoClock } from './demo-clock.js'
import { licenseStatus } from './license-status.js'
import { renderStatusPage } from './status-page.js'

/** The paid feature this app sells. */
export const PAID_FEATURE = 'reports'
/** The metric the seat limit counts. */
export const SEAT_METRIC = 'users'

/** Options of {@link buildExampleApp}. */
export interface ExampleAppOptions {
  license: LicenseClient
  /** When given, `POST /demo/clock` moves the licensing clock (demos and the e2e test). */
  demoClock?: DemoClock
  /** Extra status fields, e.g. which server the app talks to. */
  about?: Record<string, string | undefined>
}

interface SeatBody {
  name?: unknown
}

/**
 * The example app: `GET /` (free), `GET /reports` (paid feature, 402 on a plan without it,
 * 403 while the license is restricted), `POST /users` (seat-limited by the license's `users`
 * limit), `GET /status` (license state, grace days left; HTML for browsers, JSON otherwise).
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

  app.post<{ Body: SeatBody | null }>('/users', async (req, reply) => {
    const name = typeof req.body?.name === 'string' ? req.body.name.trim() : ''
    if (name === '') {
      return reply
        .code(400)
        .send({ error: 'Send {"name": "..."}', code: 'VALIDATION_FAILED', status: 400 })
    }
    // The seat check counts the seat being added: with `users: 3`, the fourth user is refused.
    const check = license.checkLimit(SEAT_METRIC, users.length + 1)
    if (!check.allowed) {
      const restricted = license.state.restricted
      const status = restricted ? 403 : 402
      return reply.code(status).send({
        error: restricted
          ? `The license is ${license.state.code}: ${license.state.reason}`
          : `The plan allows ${check.limit ?? 0} users; upgrade for more`,
        // A restricted license is not a seat problem: say what it is, like requireFeature does.
        code: restricted ? 'LICENSE_NOT_VALID' : 'LIMIT_EXCEEDED',
        status,
        limit: check.limit,
        used: users.length,
        licenseState: license.state.code,
      })
    }
    users.push(name)
    return reply
      .code(201)
      .send({ users, limit: check.limit ?? null, remaining: check.remaining ?? null })
  })

  app.get('/status', async (req, reply) => {
    const status = licenseStatus(license, users.length, opts.demoClock, opts.about)
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
      return licenseStatus(license, users.length, clock, opts.about)
    })
  }
  return app
}
