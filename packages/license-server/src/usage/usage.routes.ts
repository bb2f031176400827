import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox'
import { requireScope } from '../auth/admin-auth.js'
import type { Fleet } from '../deployments/fleet.js'
import { AppError } from '../errors/app-error.js'
import { findLicense } from '../licenses/license.repository.js'
import { errorResponses, IdParams } from '../lib/schemas.js'
import { recordUsageBatch } from './record-usage-batch.js'
import { oldestUsagePeriod } from '../retention/retention-options.js'
import { queryUsage } from './usage.repository.js'
import { UsageBody, UsageQuery, UsageReport, UsageResponse } from './usage.schemas.js'

const tags = ['fleet']

/** True when `day` is a real calendar day (the schema only checks the shape). */
function isCalendarDay(day: string): boolean {
  const d = new Date(`${day}T00:00:00Z`)
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === day
}

function checkDay(day: string | undefined, field: string): void {
  if (day !== undefined && !isCalendarDay(day)) {
    throw new AppError('VALIDATION_FAILED', `${field} "${day}" is not a calendar day (YYYY-MM-DD)`)
  }
}

const DAY_MS = 86_400_000

/**
 * A usage day must be a calendar day no later than tomorrow (UTC; time zones ahead). How far
 * back is the usage retention window's rule (USAGE_BATCH_RETENTION_DAYS, at most 400 days),
 * checked after this: USAGE_PERIOD_TOO_OLD.
 */
function checkUsageDay(day: string, field: string, now: Date): void {
  checkDay(day, field)
  const at = Date.parse(`${day}T00:00:00Z`)
  const today = Date.parse(`${now.toISOString().slice(0, 10)}T00:00:00Z`)
  if (at > today + DAY_MS) {
    throw new AppError(
      'VALIDATION_FAILED',
      `${field} "${day}" is in the future (the latest accepted day is tomorrow, UTC)`,
    )
  }
}

/**
 * `POST /v1/usage`: a batch of counters with an idempotency id, counted exactly once.
 *
 * @example
 * ```ts
 * pub.register(usageRoutes, { fleet })
 * ```
 */
export const usageRoutes: FastifyPluginCallbackTypebox<{ fleet: Fleet }> = (
  app,
  { fleet },
  done,
) => {
  app.post(
    '/usage',
    { schema: { tags, body: UsageBody, response: { 200: UsageResponse, ...errorResponses } } },
    async (req) => {
      const now = fleet.now()
      const key = await fleet.verifier.verify(req.body.key, now)
      req.body.counters.forEach((c, i) => checkUsageDay(c.period, `counters[${i}].period`, now))
      // Batch ids are remembered for the retention window only: an older period could be a
      // retry of a batch whose id was pruned, and must not be counted twice.
      const oldest = oldestUsagePeriod(now, fleet.options.retention.usageBatchDays)
      if (req.body.counters.some((c) => c.period < oldest)) {
        throw new AppError(
          'USAGE_PERIOD_TOO_OLD',
          `Counter periods before ${oldest} are past the usage retention window`,
        )
      }
      return recordUsageBatch(app.tollgate.db, {
        tenantId: key.tenantId,
        licenseId: key.licenseId,
        installId: req.body.deploymentId,
        batchId: req.body.batchId,
        counters: req.body.counters,
        now,
      })
    },
  )
  done()
}

/**
 * `GET /v1/admin/licenses/:id/usage?metric=&from=&to=`: usage per metric and UTC day
 * (scope fleet:read).
 *
 * @example
 * ```ts
 * admin.register(usageAdminRoutes)
 * ```
 */
export const usageAdminRoutes: FastifyPluginCallbackTypebox = (app, _opts, done) => {
  const { db } = app.tollgate
  app.get(
    '/licenses/:id/usage',
    {
      schema: {
        tags,
        params: IdParams,
        querystring: UsageQuery,
        response: { 200: UsageReport, ...errorResponses },
      },
      preHandler: requireScope('fleet:read'),
    },
    async (req) => {
      const { tenantId } = req.auth
      checkDay(req.query.from, 'from')
      checkDay(req.query.to, 'to')
      const license = await findLicense(db, tenantId, req.params.id)
      if (!license) throw new AppError('NOT_FOUND', `No license ${req.params.id}`)
      const items = await queryUsage(db, {
        tenantId,
        licenseId: license.id,
        metric: req.query.metric,
        from: req.query.from,
        to: req.query.to,
        limit: req.query.limit ?? 1000,
      })
      return { licenseId: license.id, items, nextCursor: null }
    },
  )
  done()
}
