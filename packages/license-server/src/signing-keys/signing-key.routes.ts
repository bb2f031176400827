import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox'
import { signKeySet } from '@tollgate/license-client'
import { Type } from 'typebox'
import { actorFromRequest, requireScope } from '../auth/admin-auth.js'
import { AppError } from '../errors/app-error.js'
import {
  DateTime,
  EmptyBody,
  EmptyQuery,
  NullableString,
  StringEnum,
  errorResponses,
} from '../lib/schemas.js'
import { keySetChain } from './key-set-chain.js'
import { removeSigningKey } from './remove-signing-key.js'
import { retireSigningKey } from './retire-signing-key.js'
import { rotateSigningKey } from './rotate-signing-key.js'
import { listSigningKeys } from './signing-key.repository.js'
import { toSigningKeyView } from './signing-key.view.js'

const tags = ['signing-keys']

const JwkSchema = Type.Object({
  kty: Type.Literal('OKP'),
  crv: Type.Literal('Ed25519'),
  x: Type.String(),
  kid: Type.String(),
  alg: Type.Optional(Type.Literal('EdDSA')),
  use: Type.Optional(Type.Literal('sig')),
})
export const SigningKeySchema = Type.Object(
  {
    kid: Type.String(),
    state: StringEnum(['active', 'retired'] as const),
    signing: Type.Boolean(),
    publicJwk: JwkSchema,
    createdAt: DateTime,
    retiredAt: NullableString({ format: 'date-time' }),
  },
  { $id: 'SigningKey' },
)
const SigningKey = Type.Ref('SigningKey')
const KidParams = Type.Object(
  { kid: Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9_-]+$' }) },
  { additionalProperties: false },
)

/**
 * Signing keys under /v1/admin/signing-keys (scope keys:admin): list, rotate (new active
 * signer; older keys keep verifying), retire (stops signing, stays in JWKS), delete (leaves
 * JWKS: its tokens fail with UNKNOWN_KEY).
 *
 * @example
 * ```ts
 * admin.register(signingKeyRoutes)
 * ```
 */
export const signingKeyRoutes: FastifyPluginCallbackTypebox = (app, _opts, done) => {
  const { db, now, signingKeys } = app.tollgate
  const keysAdmin = requireScope('keys:admin')

  const list = async (tenantId: string) => {
    const rows = await listSigningKeys(db, tenantId)
    const signer = rows.find((r) => r.state === 'active')?.kid
    return rows.map((r) => toSigningKeyView(r, signer))
  }

  app.get(
    '/signing-keys',
    {
      schema: {
        tags,
        querystring: EmptyQuery,
        response: { 200: Type.Object({ items: Type.Array(SigningKey) }), ...errorResponses },
      },
      preHandler: keysAdmin,
    },
    async (req) => ({ items: await list(req.auth.tenantId) }),
  )

  app.post(
    '/signing-keys/rotate',
    {
      schema: {
        tags,
        querystring: EmptyQuery,
        body: EmptyBody,
        response: { 201: SigningKey, ...errorResponses },
      },
      preHandler: keysAdmin,
    },
    async (req, reply) => {
      const tenantId = req.auth.tenantId
      const row = await db
        .transaction()
        .execute((trx) =>
          rotateSigningKey(
            trx,
            tenantId,
            signingKeys.masterKey,
            { actor: actorFromRequest(req) },
            now(),
          ),
        )
      signingKeys.invalidate(tenantId)
      return reply.code(201).send(toSigningKeyView(row, row.kid))
    },
  )

  app.post(
    '/signing-keys/:kid/retire',
    {
      schema: {
        tags,
        params: KidParams,
        querystring: EmptyQuery,
        body: EmptyBody,
        response: { 200: SigningKey, ...errorResponses },
      },
      preHandler: keysAdmin,
    },
    async (req) => {
      const tenantId = req.auth.tenantId
      await db
        .transaction()
        .execute((trx) =>
          retireSigningKey(trx, tenantId, req.params.kid, { actor: actorFromRequest(req) }, now()),
        )
      signingKeys.invalidate(tenantId)
      const view = (await list(tenantId)).find((k) => k.kid === req.params.kid)!
      return view
    },
  )

  app.delete(
    '/signing-keys/:kid',
    {
      schema: {
        tags,
        params: KidParams,
        querystring: EmptyQuery,
        response: { 204: Type.Null(), ...errorResponses },
      },
      preHandler: keysAdmin,
    },
    async (req, reply) => {
      const tenantId = req.auth.tenantId
      await db
        .transaction()
        .execute((trx) =>
          removeSigningKey(trx, tenantId, req.params.kid, { actor: actorFromRequest(req) }, now()),
        )
      signingKeys.invalidate(tenantId)
      return reply.code(204).send(null)
    },
  )
  done()
}

/**
 * `GET /.well-known/jwks.json[?tenant=ten_...]`: the public keys (active and retired) of one
 * tenant; without `tenant`, of the bootstrap tenant. Tenants never share a key set, so one
 * vendor's keys never validate another's licenses.
 *
 * @example
 * ```ts
 * app.register(jwksRoutes)
 * ```
 */
export const jwksRoutes: FastifyPluginCallbackTypebox = (app, _opts, done) => {
  const { db, signingKeys } = app.tollgate
  app.get(
    '/.well-known/jwks.json',
    {
      schema: {
        tags: ['public'],
        querystring: Type.Object(
          { tenant: Type.Optional(Type.String({ pattern: '^ten_[0-9a-z]+$', maxLength: 64 })) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            keys: Type.Array(JwkSchema),
            signatures: Type.Array(Type.String()),
            chain: Type.Array(Type.String()),
          }),
          ...errorResponses,
        },
      },
    },
    async (req, reply) => {
      const tenantId = req.query.tenant ?? app.tollgate.bootstrap.tenantId
      const jwks = await signingKeys.jwks(db, tenantId)
      if (jwks.keys.length === 0) throw new AppError('NOT_FOUND', `No keys for tenant ${tenantId}`)
      // Each active key vouches for the whole set: a client that pins one vendor key accepts the
      // set (and a rotation to a new key) only through these statements.
      const signatures = (await signingKeys.activeKeys(db, tenantId)).map((k) =>
        signKeySet(jwks, k),
      )
      // Rotation links, so a client whose pinned key was retired can follow to the current one.
      const chain = await keySetChain(db, tenantId, signingKeys.masterKey)
      void reply.header('cache-control', 'public, max-age=60')
      return { ...jwks, signatures, chain }
    },
  )
  done()
}
