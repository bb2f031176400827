import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { requireScope } from '../auth/admin-auth.js'
import { iso } from '../lib/json.js'
import { decodeCursor, toPage } from '../lib/pagination.js'
import { DateTime, NullableString, PageOf, PageQuery, errorResponses } from '../lib/schemas.js'
import { listAudit } from './audit.repository.js'
import type { AuditRow } from './audit.table.js'

const Filter = Type.String({ minLength: 1, maxLength: 200 })

export const AuditEntrySchema = Type.Object(
  {
    id: Type.String(),
    at: DateTime,
    actor: Type.String(),
    action: Type.String(),
    targetType: Type.String(),
    targetId: Type.String(),
    before: Type.Unknown(),
    after: Type.Unknown(),
    requestId: NullableString(),
    ip: NullableString(),
  },
  { $id: 'AuditEntry' },
)

function toView(row: AuditRow) {
  return {
    id: row.id,
    at: iso(row.at)!,
    actor: row.actor,
    action: row.action,
    targetType: row.target_type,
    targetId: row.target_id,
    before: row.before,
    after: row.after,
    requestId: row.request_id,
    ip: row.ip,
  }
}

/**
 * `GET /v1/admin/audit` (scope audit:read): the tenant's audit log, newest first.
 *
 * @example
 * ```ts
 * admin.register(auditRoutes)
 * ```
 */
export const auditRoutes: FastifyPluginCallbackTypebox = (app, _opts, done) => {
  const { db } = app.tollgate
  app.get(
    '/audit',
    {
      schema: {
        tags: ['audit'],
        querystring: Type.Object(
          {
            ...PageQuery,
            action: Type.Optional(Filter),
            targetType: Type.Optional(Filter),
            targetId: Type.Optional(Filter),
            actor: Type.Optional(Filter),
          },
          { additionalProperties: false },
        ),
        response: { 200: PageOf(Type.Ref('AuditEntry')), ...errorResponses },
      },
      preHandler: requireScope('audit:read'),
    },
    async (req) => {
      const q = req.query
      const limit = q.limit ?? 50
      const rows = await listAudit(db, req.auth.tenantId, {
        limit,
        after: decodeCursor(q.cursor),
        action: q.action,
        targetType: q.targetType,
        targetId: q.targetId,
        actor: q.actor,
      })
      return toPage(rows, limit, toView)
    },
  )
  done()
}
