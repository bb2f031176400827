import type { FastifyInstance } from 'fastify'
import { recordAudit } from '../audit/record-audit.js'
import { toJson } from '../lib/json.js'
import { h } from '../web/jsx.js'
import { CsrfField } from '../web/layout.js'
import { PageError } from '../web/page-error.js'
import { endOtherSessions, saveSessionData } from '../web/sessions.js'
import { listSubjectSessions } from '../web/web-session.repository.js'
import { sendPage } from '../web/web-scope.js'
import { actorOf } from './console-context.js'
import { ConsolePage } from './console-layout.js'
import { passkeyRegistrationOptions, verifyPasskeyRegistration } from './passkeys.js'
import { listPasskeys } from './staff.repository.js'

/**
 * The signed-in member's own account: passkeys (add), sessions (sign out the others).
 *
 * @example
 * ```ts
 * await inner.register(consoleAccountRoutes)
 * ```
 */
export function consoleAccountRoutes(app: FastifyInstance): Promise<void> {
  const { db, now } = app.tollgate

  app.get<{ Querystring: { ended?: string } }>('/account', async (request, reply) => {
    const staff = request.staff
    const passkeys = await listPasskeys(db, staff.id)
    const sessions = await listSubjectSessions(db, 'staff', staff.id, now())
    return sendPage(
      reply,
      <ConsolePage
        request={request}
        title="Account"
        current="/console/account"
        scripts={['webauthn.js']}
      >
        <h1>Your account</h1>
        <dl class="props card">
          <dt>Name</dt>
          <dd>{staff.name}</dd>
          <dt>Email</dt>
          <dd>{staff.email}</dd>
          <dt>Role</dt>
          <dd>{staff.role}</dd>
          <dt>Recovery codes left</dt>
          <dd>{staff.recovery_code_hashes.length}</dd>
        </dl>
        <h2>Passkeys</h2>
        <ul id="passkeys">
          {passkeys.map((p) => (
            <li>
              {p.name} · added {p.created_at.toISOString().slice(0, 10)}
              {p.last_used_at ? ` · last used ${p.last_used_at.toISOString().slice(0, 10)}` : ''}
            </li>
          ))}
        </ul>
        <p>
          <button
            type="button"
            id="passkey-register"
            data-webauthn="register"
            data-options="/console/account/passkeys/options"
            data-verify="/console/account/passkeys/verify"
          >
            Add a passkey
          </button>
        </p>
        <p class="muted" id="passkey-status" role="status"></p>
        <h2>Sessions</h2>
        {request.query.ended !== undefined ? (
          <p class="alert ok" role="status">
            Signed out {request.query.ended.slice(0, 6)} other session(s).
          </p>
        ) : null}
        <ul>
          {sessions.map((s) => (
            <li>
              {s.created_at.toISOString().replace('T', ' ').slice(0, 16)} · {s.ip ?? '—'} ·{' '}
              {(s.user_agent ?? '').slice(0, 80)}
              {s.id_hash === request.web.session?.idHash ? <strong> (this one)</strong> : null}
            </li>
          ))}
        </ul>
        <form method="post" action="/console/account/sessions/end-others">
          <CsrfField token={request.web.csrfToken} />
          <button type="submit" class="secondary">
            Sign out other sessions
          </button>
        </form>
      </ConsolePage>,
    )
  })

  app.post('/account/sessions/end-others', async (request, reply) => {
    const n = await endOtherSessions(request)
    return reply.redirect(`/console/account?ended=${n}`, 303)
  })

  app.post('/account/passkeys/options', async (request) => {
    const options = await passkeyRegistrationOptions(
      request,
      request.staff,
      await listPasskeys(db, request.staff.id),
    )
    await saveSessionData(request, {
      ...request.web.session?.data,
      passkeyChallenge: options.challenge,
    })
    return { options, csrfToken: request.web.csrfToken }
  })

  app.post<{ Body: { response?: unknown; name?: unknown } | null }>(
    '/account/passkeys/verify',
    async (request) => {
      const data = request.web.session?.data ?? {}
      const challenge = data.passkeyChallenge
      if (typeof challenge !== 'string')
        throw new PageError('BAD_INPUT', 'Start adding the passkey again')
      await saveSessionData(request, { ...data, passkeyChallenge: undefined })
      const cred = await verifyPasskeyRegistration(request, request.body?.response, challenge)
      const rawName =
        typeof request.body?.name === 'string' ? request.body.name.trim().slice(0, 100) : ''
      const name = rawName || `Passkey ${now().toISOString().slice(0, 10)}`
      const staff = request.staff
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto('staff_passkeys')
          .values({
            id: cred.id,
            staff_id: staff.id,
            tenant_id: staff.tenant_id,
            public_key: cred.publicKey,
            counter: cred.counter,
            transports: toJson(cred.transports),
            name,
            created_at: now(),
            last_used_at: null,
          })
          .execute()
        await recordAudit(trx, {
          tenantId: staff.tenant_id,
          actor: actorOf(request),
          action: 'staff.passkey.add',
          targetType: 'staff',
          targetId: staff.id,
          after: { passkey: cred.id, name },
          at: now(),
        })
      })
      return { ok: true }
    },
  )
  return Promise.resolve()
}
