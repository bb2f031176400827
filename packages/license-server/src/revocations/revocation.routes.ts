import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { Fleet } from '../deployments/fleet.js'
import { AppError } from '../errors/app-error.js'
import { errorResponses } from '../lib/schemas.js'
import type { SignedRevocationList } from './revocation-list-cache.js'

const RevocationsQuery = Type.Object(
  {
    format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('jws')])),
    tenant: Type.Optional(Type.String({ minLength: 3, maxLength: 64, pattern: '^ten_[0-9a-z]+$' })),
    since: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER })),
  },
  { additionalProperties: false },
)

const FullList = Type.Object({
  list: Type.String(),
  revoked: Type.Array(Type.String()),
  suspended: Type.Array(Type.String()),
  issuedAt: Type.String({ format: 'date-time' }),
  nextUpdate: Type.String({ format: 'date-time' }),
  version: Type.Integer(),
})
const SinceAnswer = Type.Object({
  version: Type.Integer(),
  delta: Type.Optional(Type.String()),
  list: Type.Optional(Type.String()),
})

/** The JSON body of a full list, serialised once per signed list (a million ids is ~60 MB). */
const bodies = new WeakMap<SignedRevocationList, string>()
function fullBody(list: SignedRevocationList): string {
  let body = bodies.get(list)
  if (body === undefined) {
    body = JSON.stringify({
      list: list.jws,
      revoked: list.revoked,
      suspended: list.suspended,
      issuedAt: list.issuedAt.toISOString(),
      nextUpdate: list.nextUpdate.toISOString(),
      version: list.version,
    })
    bodies.set(list, body)
  }
  return body
}

/** True when the request's If-None-Match names `etag`. */
function matches(header: string | undefined, etag: string): boolean {
  if (header === undefined || etag === '') return false
  return header === '*' || header.split(',').some((t) => t.trim().replace(/^W\//, '') === etag)
}

/**
 * True when the If-None-Match names an answer that brought its holder to `version` with key
 * `kid`: a whole list of that version (`"rl-<version>-<issued>-<kid>"`) or a delta ending there
 * (`"rd-<since>-<version>-<kid>"`).
 */
function namesVersion(header: string, version: number, kid: string): boolean {
  const tag = new RegExp(`^"(rl-${version}-\\d+|rd-\\d+-${version})-(.+)"$`)
  return header.split(',').some((t) => tag.exec(t.trim().replace(/^W\//, ''))?.[2] === kid)
}

/**
 * `GET /v1/revocations`: the signed revocation list (revoked and suspended license ids, issue
 * time, next update, version) as `{ list, revoked, suspended, issuedAt, nextUpdate, version }`,
 * or with `?format=jws` the bare JWS (`application/jose`) for air-gapped sites. With
 * `?since=<version>` the answer is `{ version, delta }` (a signed delta of the changes since
 * that version) or `{ version, list }` when the whole list is smaller. Every answer carries an
 * ETag; `If-None-Match` with it answers 304 while nothing changed. Defaults to the server's
 * own (bootstrap) tenant; `?tenant=` selects another. Public: license ids are opaque.
 *
 * @example
 * ```ts
 * pub.register(revocationRoutes, { fleet })
 * ```
 */
export const revocationRoutes: FastifyPluginCallbackTypebox<{ fleet: Fleet }> = (
  app,
  { fleet },
  done,
) => {
  const { bootstrap } = app.tollgate
  app.get(
    '/revocations',
    {
      schema: {
        tags: ['fleet'],
        querystring: RevocationsQuery,
        response: {
          200: Type.Union([FullList, SinceAnswer]),
          304: Type.Null(),
          ...errorResponses,
        },
      },
    },
    async (req, reply) => {
      const tenantId = req.query.tenant ?? bootstrap.tenantId
      // The tenant's existence and list version, from memory when recent (no query on a 304).
      if ((await fleet.revocations.version(tenantId)) === undefined) {
        throw new AppError('NOT_FOUND', `No tenant ${tenantId}`)
      }
      const key = await fleet.signer.activeKey(tenantId)
      const opts = { now: fleet.now(), ttlS: fleet.options.revocationListTtlS }
      void reply.header('cache-control', 'no-cache')
      const ifNoneMatch = req.headers['if-none-match']
      const { since } = req.query
      if (since !== undefined && req.query.format !== 'jws') {
        if (ifNoneMatch !== undefined) {
          const etag = await fleet.revocations.deltaEtag(tenantId, since, key)
          // Nothing changed since the client's version: any answer that brought it there (the
          // whole list, or the delta it applied last) is current, not just an empty delta.
          const unchanged = etag === `"rd-${since}-${since}-${key.kid}"`
          if (
            matches(ifNoneMatch, etag) ||
            (unchanged && namesVersion(ifNoneMatch, since, key.kid))
          ) {
            return reply.code(304).header('etag', etag).send()
          }
        }
        const answer = await fleet.revocations.since(tenantId, since, key, opts)
        if (answer.kind === 'delta') {
          void reply.header('etag', answer.etag)
          return { version: answer.version, delta: answer.jws }
        }
        void reply.header('etag', answer.list.etag)
        return { version: answer.list.version, list: answer.list.jws }
      }
      const list = await fleet.revocations.list(tenantId, key, opts)
      const etag = req.query.format === 'jws' ? `${list.etag.slice(0, -1)}-jws"` : list.etag
      void reply.header('etag', etag)
      if (matches(ifNoneMatch, etag)) return reply.code(304).header('etag', etag).send()
      if (req.query.format === 'jws') return reply.type('application/jose').send(list.jws)
      return reply.type('application/json; charset=utf-8').send(fullBody(list))
    },
  )
  done()
}
