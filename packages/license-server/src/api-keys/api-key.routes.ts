import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { actorFromRequest, requireScope } from '../auth/admin-auth.js'
import { recordAudit } from '../audit/record-audit.js'
import { AppError } from '../errors/app-error.js'
import { iso } from '../lib/json.js'
import { decodeCursor, toPage } from '../lib/pagination.js'
import {
  DateTime,
  EmptyQuery,
  IdParams,
  Name,
  NullableString,
  PageOf,
  PageQuery,
  errorResponses,
} from '../lib/schemas.js'
import {
  findApiKey,
  insertApiKey,
  listApiKeys,
  lockActiveOwnerKeys,
  revokeApiKey,
} from './api-key.repository.js'
import type { ApiKeyRow } from './api-key.table.js'
import { SCOPE_PATTERN, assertHoldsScopes } from './scopes.js'

const tags = ['api-keys']

/** An API key as the API shows it (never the secret or its hash). */
export function toApiKeyView(row: ApiKeyRow) {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes,
    createdBy: row.created_by,
    createdAt: iso(row.created_at)!,
    lastUsedAt: iso(row.last_used_at),
    revokedAt: iso(row.revoked_at),
  }
}

export const ApiKeySchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    prefix: Type.String(),
    scopes: Type.Array(Type.String()),
    createdBy: Type.String(),
    createdAt: DateTime,
    lastUsedAt: NullableString({ format: 'date-time' }),
    revokedAt: NullableString({ format: 'date-time' }),
  },
  { $id: 'ApiKey' },
)
const ApiKey = Type.Ref('ApiKey')

const CreateBody = Type.Object(
  {
    name: Name,
    scopes: Type.Array(Type.String({ pattern: SCOPE_PATTERN, maxLength: 64 }), {
      minItems: 1,
      maxItems: 50,
      uniqueItems: true,
    }),
  },
  { additionalProperties: false },
)

/**
 * Admin API keys under /v1/admin/api-keys (scope keys:admin). A key can only grant scopes it
 * holds itself.
 *
 * @example
 * ```ts
 * admin.register(apiKeyRoutes)
 * ```
 */
export const apiKeyRoutes: FastifyPluginCallbackTypebox = (app, _opts, done) => {
  const { db, now } = app.tollgate
  const keysAdmin = requireScope('keys:admin')

  app.post(
    '/api-keys',
    {
      schema: {
        tags,
        querystring: EmptyQuery,
        body: CreateBody,
        response: {
          201: Type.Object({ apiKey: ApiKey, secret: Type.String() }),
          ...errorResponses,
        },
      },
      preHandler: keysAdmin,
    },
    async (req, reply) => {
      assertHoldsScopes(req.auth.scopes, req.body.scopes, 'grant')
      const at = now()
      const { row, secret } = await db.transaction().execute(async (trx) => {
        const created = await insertApiKey(
          trx,
          req.auth.tenantId,
          { name: req.body.name, scopes: req.body.scopes, createdBy: req.auth.actor },
          at,
        )
        await recordAudit(trx, {
          tenantId: req.auth.tenantId,
          actor: actorFromRequest(req),
          action: 'api_key.create',
          targetType: 'api_key',
          targetId: created.row.id,
          after: toApiKeyView(created.row),
          at,
        })
        return created
      })
      return reply.code(201).send({ apiKey: toApiKeyView(row), secret })
    },
  )

  app.get(
    '/api-keys',
    {
      schema: {
        tags,
        querystring: Type.Object(PageQuery, { additionalProperties: false }),
        response: { 200: PageOf(ApiKey), ...errorResponses },
      },
      preHandler: keysAdmin,
    },
    async (req) => {
      const limit = req.query.limit ?? 50
      const rows = await listApiKeys(db, req.auth.tenantId, {
        limit,
        after: decodeCursor(req.query.cursor),
      })
      return toPage(rows, limit, toApiKeyView)
    },
  )

  app.post(
    '/api-keys/:id/revoke',
    {
      schema: {
        tags,
        params: IdParams,
        querystring: EmptyQuery,
        body: Type.Union([Type.Object({}, { additionalProperties: false }), Type.Null()]),
        response: { 200: ApiKey, ...errorResponses },
      },
      preHandler: keysAdmin,
    },
    async (req) => {
      const tenantId = req.auth.tenantId
      const at = now()
      const view = await db.transaction().execute(async (trx) => {
        // Owner keys locked first, in id order: two owners revoking each other wait in turn,
        // so the second sees the first's revocation and the tenant keeps one.
        const owners = await lockActiveOwnerKeys(trx, tenantId)
        const before = await findApiKey(trx, tenantId, req.params.id)
        if (!before) throw new AppError('NOT_FOUND', `No API key ${req.params.id}`)
        if (before.revoked_at !== null) return toApiKeyView(before)
        assertHoldsScopes(req.auth.scopes, before.scopes, 'revoke')
        if (before.scopes.includes('*') && owners.every((id) => id === before.id)) {
          throw new AppError('LAST_OWNER_KEY')
        }
        await revokeApiKey(trx, tenantId, before.id, at)
        const after = { ...before, revoked_at: at }
        await recordAudit(trx, {
          tenantId,
          actor: actorFromRequest(req),
          action: 'api_key.revoke',
          targetType: 'api_key',
          targetId: before.id,
          before: toApiKeyView(before),
          after: toApiKeyView(after),
          at,
        })
        return toApiKeyView(after)
      })
      // Immediate on this instance; other instances within ADMIN_KEY_CACHE_MS.
      app.adminAuth.keys.forgetKey(req.params.id, now().getTime())
      return view
    },
  )
  done()
}
