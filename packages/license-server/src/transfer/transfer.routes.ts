import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Readable } from 'node:stream'
import { Type } from 'typebox'
import { actorFromRequest, requireScope } from '../auth/admin-auth.js'
import { recordAudit } from '../audit/record-audit.js'
import { AppError } from '../errors/app-error.js'
import { ndjsonLines } from '../lib/ndjson-lines.js'
import { EmptyQuery, errorResponses } from '../lib/schemas.js'
import { MIN_PASSPHRASE_LENGTH } from './export-passphrase.js'
import { exportTenant } from './export-tenant.js'
import { importTenant } from './import-tenant.js'

const tags = ['transfer']
/** The longest line an import reads (a license row with large metadata fits many times). */
const MAX_LINE_BYTES = 1 << 20
const NDJSON = 'application/x-ndjson'

const ExportBody = Type.Object(
  {
    audit: Type.Optional(Type.Boolean({ description: 'Include the audit log' })),
    passphrase: Type.Optional(
      Type.String({
        minLength: MIN_PASSPHRASE_LENGTH,
        maxLength: 1024,
        description: 'Include the private signing keys, encrypted under this passphrase',
      }),
    ),
  },
  { additionalProperties: false },
)

const Counts = Type.Object({
  inserted: Type.Integer(),
  unchanged: Type.Integer(),
  conflicts: Type.Integer(),
})
const ImportSummarySchema = Type.Object({
  tenantId: Type.String(),
  createdTenant: Type.Boolean(),
  complete: Type.Boolean(),
  signingKeys: Type.String(),
  createdSigningKey: Type.Union([Type.String(), Type.Null()]),
  counts: Type.Record(Type.String(), Counts),
  conflictCount: Type.Integer(),
  conflicts: Type.Array(
    Type.Object({
      line: Type.Integer(),
      type: Type.String(),
      id: Type.Union([Type.String(), Type.Null()]),
      code: Type.String(),
      message: Type.String(),
    }),
  ),
})

/**
 * Tenant export and import under /v1/admin (issue 19), owner keys (`*`) only: `POST /export`
 * streams the caller's own tenant as JSON Lines (see docs/operations.md, "Moving a tenant");
 * `POST /import` reads such a file (`application/x-ndjson`, the passphrase of an export with
 * private keys in `Tollgate-Export-Passphrase`) and answers a summary.
 *
 * @example
 * ```ts
 * await admin.register(transferRoutes)
 * ```
 */
export const transferRoutes: FastifyPluginAsyncTypebox = (app) => {
  const { db, signingKeys, now } = app.tollgate
  const owner = requireScope('*')
  // The body is read as a stream by the handler: never buffered whole, never size-capped.
  app.addContentTypeParser(NDJSON, (_req, payload, done) => done(null, payload))

  app.post(
    '/export',
    {
      schema: {
        tags,
        querystring: EmptyQuery,
        body: ExportBody,
        response: {
          200: Type.String({ description: 'JSON Lines, format version 1' }),
          ...errorResponses,
        },
      },
      preHandler: owner,
    },
    async (req, reply) => {
      const { tenantId } = req.auth
      const at = now()
      await recordAudit(db, {
        tenantId,
        actor: actorFromRequest(req),
        action: 'tenant.export',
        targetType: 'tenant',
        targetId: tenantId,
        after: { audit: req.body.audit === true, privateKeys: req.body.passphrase !== undefined },
        at,
      })
      const lines = exportTenant(db, signingKeys.masterKey, tenantId, {
        now: at,
        ...(req.body.audit ? { audit: true } : {}),
        ...(req.body.passphrase !== undefined ? { passphrase: req.body.passphrase } : {}),
      })
      return reply
        .type(NDJSON)
        .header('cache-control', 'no-store')
        .send(Readable.from(lines, { objectMode: false }))
    },
  )

  app.post(
    '/import',
    {
      schema: {
        tags,
        querystring: EmptyQuery,
        response: { 200: ImportSummarySchema, ...errorResponses },
      },
      // The importer checks each row's text itself and reports it per row.
      config: { ownTextChecks: true },
      // An import is idempotent by itself, and its body is a stream the replay store cannot hash.
      onRequest: (req, _reply, done) => {
        delete req.headers['idempotency-key']
        done()
      },
      preHandler: owner,
    },
    async (req) => {
      const body: unknown = req.body
      if (!(body instanceof Readable)) {
        throw new AppError('UNSUPPORTED_MEDIA_TYPE', `Send the export file as ${NDJSON}`)
      }
      const header = req.headers['tollgate-export-passphrase']
      if (Array.isArray(header)) throw new AppError('VALIDATION_FAILED', 'One passphrase header')
      const summary = await importTenant(
        db,
        { masterKey: signingKeys.masterKey, now: now() },
        { tenantId: req.auth.tenantId, scopes: req.auth.scopes, actor: actorFromRequest(req) },
        ndjsonLines(body, MAX_LINE_BYTES),
        header === undefined ? {} : { passphrase: header },
      )
      signingKeys.invalidate(summary.tenantId)
      return summary
    },
  )
  return Promise.resolve()
}
