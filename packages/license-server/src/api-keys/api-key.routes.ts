import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { actorFromRequest, requireScope } from '../auth/admin-auth.js'
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
import { listApiKeys } from './api-key.repository.js'
import { toApiKeyView } from './api-key.view.js'
import { createApiKey } from './create-api-key.js'
import { revokeApiKeyAs } from './revoke-api-key.js'
import { SCOPE_PATTERN } from './scopes.js'

export { toApiKeyView }

const tags = ['api-keys']

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
      const { row, secret } = await db
        .transaction()
        .execute((trx) =>
          createApiKey(
            trx,
            req.auth.tenantId,
            { name: req.body.name, scopes: req.body.scopes },
            { scopes: req.auth.scopes, createdBy: req.auth.actor, actor: actorFromRequest(req) },
            now(),
          ),
        )
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
      const row = await db
        .transaction()
        .execute((trx) =>
          revokeApiKeyAs(
            trx,
            req.auth.tenantId,
            req.params.id,
            { scopes: req.auth.scopes, actor: actorFromRequest(req) },
            now(),
          ),
        )
      // Immediate on this instance; other instances within ADMIN_KEY_CACHE_MS.
      app.adminAuth.keys.forgetKey(req.params.id, now().getTime())
      return toApiKeyView(row)
    },
  )
  done()
}
