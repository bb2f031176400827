import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { requireScope } from '../auth/admin-auth.js'
import type { Fleet } from '../deployments/fleet.js'
import { decodeCursor, toPage } from '../lib/pagination.js'
import { errorResponses, PageOf } from '../lib/schemas.js'
import { recordViolation } from './record-violation.js'
import { listViolations } from './violation.repository.js'
import {
  ListViolationsQuery,
  ReportViolationBody,
  ReportViolationResponse,
} from './violation.schemas.js'
import type { ViolationSeverity } from './violation.table.js'
import { toViolationView } from './violation.view.js'

const tags = ['fleet']

/** Severity when the client names none. */
function defaultSeverity(kind: string): ViolationSeverity {
  if (/clock|signature|tamper/.test(kind)) return 'high'
  if (/integrity/.test(kind)) return 'critical'
  return 'medium'
}

/**
 * `POST /v1/violations`: a client reports clock tampering, signature failures, integrity
 * problems... stored with severity (repeats within an hour bump one row). The key must verify
 * (its expiry and status do not matter), so nobody can file reports against others' licenses.
 *
 * @example
 * ```ts
 * pub.register(violationRoutes, { fleet })
 * ```
 */
export const violationRoutes: FastifyPluginCallbackTypebox<{ fleet: Fleet }> = (
  app,
  { fleet },
  done,
) => {
  app.post(
    '/violations',
    {
      schema: {
        tags,
        body: ReportViolationBody,
        response: { 201: ReportViolationResponse, ...errorResponses },
      },
    },
    async (req, reply) => {
      const now = fleet.now()
      const key = await fleet.verifier.verify(req.body.key, now)
      const { violation } = await recordViolation(app.tollgate.db, {
        tenantId: key.tenantId,
        licenseId: key.licenseId,
        installId: req.body.deploymentId ?? null,
        kind: req.body.kind,
        severity: req.body.severity ?? defaultSeverity(req.body.kind),
        source: 'client',
        details: req.body.details ?? {},
        address: req.ip,
        now,
      })
      return reply.code(201).send({
        id: violation.id,
        kind: violation.kind,
        severity: violation.severity,
        occurrences: violation.occurrences,
      })
    },
  )
  done()
}

/**
 * `GET /v1/admin/violations?licenseId=&kind=`: violations of the tenant, newest first
 * (scope fleet:read).
 *
 * @example
 * ```ts
 * admin.register(violationAdminRoutes)
 * ```
 */
export const violationAdminRoutes: FastifyPluginCallbackTypebox = (app, _opts, done) => {
  const { db } = app.tollgate
  app.get(
    '/violations',
    {
      schema: {
        tags,
        querystring: ListViolationsQuery,
        response: { 200: PageOf(Type.Ref('Violation')), ...errorResponses },
      },
      preHandler: requireScope('fleet:read'),
    },
    async (req) => {
      const limit = req.query.limit ?? 50
      const rows = await listViolations(db, req.auth.tenantId, {
        limit,
        after: decodeCursor(req.query.cursor),
        licenseId: req.query.licenseId,
        kind: req.query.kind,
      })
      return toPage(rows, limit, toViolationView)
    },
  )
  done()
}
