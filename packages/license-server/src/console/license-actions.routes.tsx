import type { FastifyInstance } from 'fastify'
import { AppError } from '../errors/app-error.js'
import { findLicense } from '../licenses/license.repository.js'
import { reissueToken } from '../licenses/reissue-token.js'
import { renewLicense } from '../licenses/renew-license.js'
import { signKeyForReveal } from '../licenses/reveal-license-key.js'
import { FormReader } from '../web/form-reader.js'
import { PageError } from '../web/page-error.js'
import { sendPage } from '../web/web-scope.js'
import { actorOf, requireStaffScope } from './console-context.js'
import { canRevealKey, licenseDetailPage } from './license-detail.js'
import { readExpiry } from './read-expiry.js'

/**
 * License actions in the console, each calling the admin API's service (issuing is
 * license-issue.routes): renew (`renewLicense`), reissue (`reissueToken`) and taking the key
 * (`signKeyForReveal`: shown once or downloaded as a license file, audited).
 *
 * @example
 * ```ts
 * await inner.register(consoleLicenseActionRoutes)
 * ```
 */
export function consoleLicenseActionRoutes(app: FastifyInstance): Promise<void> {
  const { db, now } = app.tollgate

  app.post<{ Params: { id: string } }>('/licenses/:id/renew', async (request, reply) => {
    requireStaffScope(request, 'licenses:write')
    const f = new FormReader(request.body)
    const expiresAt = readExpiry(f, now(), false)
    const id = request.params.id
    if (Object.keys(f.errors).length > 0 || expiresAt === undefined) {
      return sendPage(
        reply,
        await licenseDetailPage(db, request, id, { errors: f.errors }, now()),
        400,
      )
    }
    await db
      .transaction()
      .execute((trx) =>
        renewLicense(trx, request.staff.tenant_id, id, expiresAt, actorOf(request), app.tollgate),
      )
    const notice = `Renewed ${expiresAt === null ? 'as perpetual' : `until ${expiresAt.toISOString().slice(0, 10)}`}.`
    return sendPage(reply, await licenseDetailPage(db, request, id, { notice }, now()))
  })

  app.post<{ Params: { id: string } }>('/licenses/:id/reissue', async (request, reply) => {
    requireStaffScope(request, 'licenses:write')
    const id = request.params.id
    const { token } = await db
      .transaction()
      .execute((trx) =>
        reissueToken(trx, request.staff.tenant_id, id, actorOf(request), app.tollgate),
      )
    const notice = 'A fresh token was signed. It is shown once below.'
    return sendPage(reply, await licenseDetailPage(db, request, id, { token, notice }, now()))
  })

  app.post<{ Params: { id: string } }>('/licenses/:id/key', async (request, reply) => {
    if (!canRevealKey(request)) {
      throw new PageError('FORBIDDEN', `Your role (${request.staff.role}) cannot take license keys`)
    }
    const f = new FormReader(request.body)
    const as = f.choice('as', ['show', 'file'] as const, { label: 'Action' })
    if (f.raw('confirm') !== 'yes') f.fail('confirm', 'Tick the box to confirm you want the key')
    const id = request.params.id
    if (Object.keys(f.errors).length > 0) {
      return sendPage(
        reply,
        await licenseDetailPage(db, request, id, { errors: f.errors }, now()),
        400,
      )
    }
    const via = as === 'file' ? 'download' : 'copy'
    const token = await db.transaction().execute(async (trx) => {
      const row = await findLicense(trx, request.staff.tenant_id, id)
      if (!row) throw new AppError('NOT_FOUND', 'No such license')
      return signKeyForReveal(trx, app.tollgate, row, actorOf(request), { via, now: now() })
    })
    if (via === 'download') {
      return reply
        .header('content-disposition', `attachment; filename="license-${id}.key"`)
        .header('cache-control', 'no-store')
        .type('application/octet-stream')
        .send(`${token}\n`)
    }
    return sendPage(reply, await licenseDetailPage(db, request, id, { token }, now()))
  })
  return Promise.resolve()
}
