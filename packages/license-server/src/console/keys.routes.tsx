import type { FastifyInstance, FastifyRequest } from 'fastify'
import { removeSigningKey } from '../signing-keys/remove-signing-key.js'
import { retireSigningKey } from '../signing-keys/retire-signing-key.js'
import { rotateSigningKey } from '../signing-keys/rotate-signing-key.js'
import { findSigningKey, listSigningKeys } from '../signing-keys/signing-key.repository.js'
import { FormReader } from '../web/form-reader.js'
import { h } from '../web/jsx.js'
import { FormErrors } from '../web/layout.js'
import { PageError } from '../web/page-error.js'
import { sendPage } from '../web/web-scope.js'
import { ApiKeySection } from './api-key-section.js'
import { actorOf, requireStaffScope } from './console-context.js'
import { ConsolePage } from './console-layout.js'
import { SigningKeySection } from './signing-key-forms.js'

const LIMIT = 200
const KID = /^[A-Za-z0-9_-]{1,128}$/

/**
 * The keys page (`keys:admin`): API keys (create and revoke: admin-actions.routes) and signing
 * keys with rotate, retire and remove, each through the admin API's service
 * (`rotateSigningKey`, `retireSigningKey`, `removeSigningKey`) with the CLI's warnings. Retire and
 * remove ask for a confirmation box and a reason, both checked here (the page works without
 * script); the reason goes to the audit entry, whose actor is the member.
 *
 * @example
 * ```ts
 * await inner.register(consoleKeyRoutes)
 * ```
 */
export function consoleKeyRoutes(app: FastifyInstance): Promise<void> {
  const { db, now, signingKeys } = app.tollgate

  const page = async (
    request: FastifyRequest,
    failed?: { kid: string; errors: Readonly<Record<string, string>> },
  ) => {
    const tenantId = request.staff.tenant_id
    const apiKeys = await db
      .selectFrom('api_keys')
      .select([
        'id',
        'name',
        'prefix',
        'scopes',
        'created_by',
        'created_at',
        'last_used_at',
        'revoked_at',
      ])
      .where('tenant_id', '=', tenantId)
      .orderBy('id', 'desc')
      .limit(LIMIT)
      .execute()
    const keys = await listSigningKeys(db, tenantId)
    return (
      <ConsolePage request={request} title="Keys" current="/console/keys">
        <FormErrors fields={failed?.errors} />
        <ApiKeySection request={request} keys={apiKeys} />
        <SigningKeySection csrf={request.web.csrfToken} keys={keys} failed={failed} />
      </ConsolePage>
    )
  }

  app.get('/keys', async (request, reply) => {
    requireStaffScope(request, 'keys:admin')
    return sendPage(reply, await page(request))
  })

  app.post('/keys/signing/rotate', async (request, reply) => {
    const staff = requireStaffScope(request, 'keys:admin')
    const f = new FormReader(request.body)
    const reason = f.text('reason', { label: 'Reason', max: 500, optional: true })
    f.done()
    await db
      .transaction()
      .execute((trx) =>
        rotateSigningKey(
          trx,
          staff.tenant_id,
          signingKeys.masterKey,
          { actor: actorOf(request), reason },
          now(),
        ),
      )
    signingKeys.invalidate(staff.tenant_id)
    return reply.redirect('/console/keys#signing-keys', 303)
  })

  app.post<{ Params: { kid: string; action: string } }>(
    '/keys/signing/:kid/:action',
    async (request, reply) => {
      const staff = requireStaffScope(request, 'keys:admin')
      const { kid, action } = request.params
      if (!KID.test(kid) || (action !== 'retire' && action !== 'remove')) {
        throw new PageError('NOT_FOUND', 'No such signing key action')
      }
      if (!(await findSigningKey(db, staff.tenant_id, kid))) {
        throw new PageError('NOT_FOUND', `No signing key ${kid}`)
      }
      const f = new FormReader(request.body)
      const reason = f.text('reason', { label: 'Reason', max: 500 })
      if (!f.checkbox('confirm')) {
        f.fail('confirm', `Tick the box to confirm: ${action} signing key ${kid}`)
      }
      if (Object.keys(f.errors).length > 0) {
        return sendPage(reply, await page(request, { kid, errors: f.errors }), 400)
      }
      const op = action === 'retire' ? retireSigningKey : removeSigningKey
      await db
        .transaction()
        .execute((trx) => op(trx, staff.tenant_id, kid, { actor: actorOf(request), reason }, now()))
      signingKeys.invalidate(staff.tenant_id)
      return reply.redirect('/console/keys#signing-keys', 303)
    },
  )
  return Promise.resolve()
}
