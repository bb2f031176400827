import type { AuthenticationResponseJSON } from '@simplewebauthn/server'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { open } from '../lib/secret-box.js'
import { assertUnderLimit, clearAttempts, countAttempt } from '../web/attempt-limiter.js'
import { FormReader } from '../web/form-reader.js'
import { h } from '../web/jsx.js'
import { CsrfField, FormErrors } from '../web/layout.js'
import { PageError } from '../web/page-error.js'
import { endSession, saveSessionData, startSession } from '../web/sessions.js'
import { safeNext, sendPage } from '../web/web-scope.js'
import { verifyPassword } from './password.js'
import { passkeyLoginOptions, verifyPasskeyLogin } from './passkeys.js'
import { Field, PublicPage } from './console-layout.js'
import { hashRecoveryCode } from './recovery-codes.js'
import { findPasskey, findStaff, findStaffByEmail, updateStaff } from './staff.repository.js'
import { staffActor } from './staff.service.js'
import type { StaffAccountRow } from './staff.table.js'
import { matchTotp } from './totp.js'
import { recordAudit } from '../audit/record-audit.js'
import { toJson } from '../lib/json.js'

/** Sign-in attempts per IP, and failures per account, per 15 minutes. */
export const LOGIN_LIMITS = {
  perIp: { max: 30, windowMs: 15 * 60_000 },
  perAccount: { max: 5, windowMs: 15 * 60_000 },
} as const

const ipKey = (request: FastifyRequest): string => `staff-login:ip:${request.ip}`
const accountKey = (id: string): string => `staff-login:acct:${id}`

function LoginPage(p: { request: FastifyRequest; next: string; email?: string; error?: string }) {
  return (
    <PublicPage request={p.request} title="Sign in" scripts={['webauthn.js']}>
      <h1>Sign in to the console</h1>
      <FormErrors message={p.error} />
      <div class="stack">
        <button
          type="button"
          id="passkey-login"
          data-webauthn="login"
          data-options="/console/login/passkey/options"
          data-verify="/console/login/passkey/verify"
          data-next={p.next}
        >
          Sign in with a passkey
        </button>
        <p class="muted" id="passkey-status" role="status"></p>
      </div>
      <h2>Or with a password and an authenticator code</h2>
      <form method="post" action="/console/login" class="stack">
        <CsrfField token={p.request.web.csrfToken} />
        <input type="hidden" name="next" value={p.next} />
        <Field
          label="Email"
          name="email"
          type="email"
          value={p.email}
          required
          autocomplete="username webauthn"
        />
        <Field
          label="Password"
          name="password"
          type="password"
          required
          autocomplete="current-password"
        />
        <button type="submit">Continue</button>
      </form>
    </PublicPage>
  )
}

function TotpPage(p: { request: FastifyRequest; error?: string }) {
  return (
    <PublicPage request={p.request} title="Authenticator code">
      <h1>Two-step verification</h1>
      <FormErrors message={p.error} />
      <form method="post" action="/console/login/totp" class="stack">
        <CsrfField token={p.request.web.csrfToken} />
        <Field
          label="Code from your authenticator app, or a recovery code"
          name="code"
          required
          autocomplete="one-time-code"
          inputmode="numeric"
          maxlength={20}
        />
        <button type="submit">Sign in</button>
      </form>
    </PublicPage>
  )
}

async function signedIn(
  request: FastifyRequest,
  staff: StaffAccountRow,
  how: string,
): Promise<void> {
  const { db, now } = request.server.tollgate
  await clearAttempts(db, accountKey(staff.id))
  await db.transaction().execute(async (trx) => {
    await updateStaff(trx, staff.tenant_id, staff.id, { last_login_at: now(), updated_at: now() })
    await recordAudit(trx, {
      tenantId: staff.tenant_id,
      actor: staffActor(staff.id, request),
      action: 'staff.login',
      targetType: 'staff',
      targetId: staff.id,
      after: { method: how },
      at: now(),
    })
  })
}

/**
 * Sign-in pages of the console: password + TOTP (or a recovery code), passkeys, sign-out.
 * Failures are limited per IP and per account (database counters, shared by every instance).
 *
 * @example
 * ```ts
 * await scope.register(consoleAuthRoutes)
 * ```
 */
export function consoleAuthRoutes(app: FastifyInstance): Promise<void> {
  const { db, now, signingKeys } = app.tollgate

  app.get<{ Querystring: { next?: string } }>('/login', async (request, reply) => {
    if (request.web.session?.stage === 'active') return reply.redirect('/console', 303)
    return sendPage(
      reply,
      <LoginPage request={request} next={safeNext(request.query.next, '/console')} />,
    )
  })

  app.post('/login', async (request, reply) => {
    const f = new FormReader(request.body)
    const email = f.email('email', { label: 'Email' })
    const password = f.text('password', { label: 'Password', max: 200 })
    const next = safeNext(f.raw('next'), '/console')
    if (Object.keys(f.errors).length > 0) {
      return sendPage(
        reply,
        <LoginPage
          request={request}
          next={next}
          email={email}
          error="Enter your email and password"
        />,
        400,
      )
    }
    await countAttempt(db, ipKey(request), LOGIN_LIMITS.perIp, now())
    const staff = await findStaffByEmail(db, email)
    if (staff) await assertUnderLimit(db, accountKey(staff.id), LOGIN_LIMITS.perAccount, now())
    const ok = await verifyPassword(password, staff?.password_hash ?? null)
    if (!staff || !ok || staff.disabled_at !== null || staff.totp_secret_sealed === null) {
      if (staff)
        await countAttempt(
          db,
          accountKey(staff.id),
          { ...LOGIN_LIMITS.perAccount, max: 1000 },
          now(),
        )
      return sendPage(
        reply,
        <LoginPage
          request={request}
          next={next}
          email={email}
          error="The email or password is not right"
        />,
        401,
      )
    }
    await startSession(request, reply, {
      stage: 'pending',
      tenantId: staff.tenant_id,
      subjectId: staff.id,
      data: { step: 'totp', next },
    })
    return reply.redirect('/console/login/totp', 303)
  })

  app.get('/login/totp', async (request, reply) => {
    const s = request.web.session
    if (!s || s.stage !== 'pending' || s.data.step !== 'totp')
      return reply.redirect('/console/login', 303)
    return sendPage(reply, <TotpPage request={request} />)
  })

  app.post('/login/totp', async (request, reply) => {
    const s = request.web.session
    if (!s || s.stage !== 'pending' || s.data.step !== 'totp' || !s.tenantId || !s.subjectId) {
      throw new PageError('SESSION_REQUIRED', 'Your sign-in expired; start again')
    }
    await countAttempt(db, ipKey(request), LOGIN_LIMITS.perIp, now())
    await assertUnderLimit(db, accountKey(s.subjectId), LOGIN_LIMITS.perAccount, now())
    const code = new FormReader(request.body).raw('code').trim().slice(0, 40)
    const staff = await findStaff(db, s.tenantId, s.subjectId)
    if (!staff || staff.disabled_at !== null || !staff.totp_secret_sealed) {
      throw new PageError('SESSION_REQUIRED', 'Your sign-in expired; start again')
    }
    const ok = await db.transaction().execute(async (trx) => {
      const row = await findStaff(trx, staff.tenant_id, staff.id, { forUpdate: true })
      if (!row?.totp_secret_sealed) return false
      const secret = open(signingKeys.masterKey, row.totp_secret_sealed, `staff-totp:${row.id}`)
      const step = matchTotp(
        secret,
        code,
        now(),
        row.totp_last_step === null ? null : Number(row.totp_last_step),
      )
      if (step !== null) {
        await updateStaff(trx, row.tenant_id, row.id, { totp_last_step: step })
        return true
      }
      const hash = hashRecoveryCode(code)
      if (code.length >= 10 && row.recovery_code_hashes.includes(hash)) {
        await updateStaff(trx, row.tenant_id, row.id, {
          recovery_code_hashes: toJson(row.recovery_code_hashes.filter((x) => x !== hash)),
        })
        return true
      }
      return false
    })
    if (!ok) {
      await countAttempt(db, accountKey(staff.id), { ...LOGIN_LIMITS.perAccount, max: 1000 }, now())
      return sendPage(
        reply,
        <TotpPage request={request} error="That code is not right (or was already used)" />,
        401,
      )
    }
    const next = safeNext(s.data.next, '/console')
    await startSession(request, reply, {
      stage: 'active',
      tenantId: staff.tenant_id,
      subjectId: staff.id,
    })
    await signedIn(request, staff, 'password+totp')
    return reply.redirect(next, 303)
  })

  app.post('/login/passkey/options', async (request, reply) => {
    await countAttempt(db, ipKey(request), LOGIN_LIMITS.perIp, now())
    const options = await passkeyLoginOptions(request)
    await startSession(request, reply, {
      stage: 'pending',
      tenantId: null,
      subjectId: null,
      data: { step: 'passkey', challenge: options.challenge },
    })
    return { options, csrfToken: request.web.csrfToken }
  })

  app.post<{ Body: { response?: AuthenticationResponseJSON; next?: string } | null }>(
    '/login/passkey/verify',
    async (request, reply) => {
      const s = request.web.session
      const challenge =
        s?.stage === 'pending' && s.data.step === 'passkey' ? s.data.challenge : undefined
      if (typeof challenge !== 'string')
        throw new PageError('SESSION_REQUIRED', 'Start the passkey sign-in again')
      const response = request.body?.response
      if (
        !response ||
        typeof response !== 'object' ||
        typeof response.id !== 'string' ||
        response.id.length > 1024
      ) {
        throw new PageError('BAD_INPUT', 'No passkey answer')
      }
      // One challenge, one try.
      await saveSessionData(request, { step: 'passkey-used' })
      const passkey = await findPasskey(db, response.id)
      const staff = passkey ? await findStaff(db, passkey.tenant_id, passkey.staff_id) : undefined
      if (!passkey || !staff || staff.disabled_at !== null) {
        throw new PageError('BAD_INPUT', 'This passkey is not registered here')
      }
      await assertUnderLimit(db, accountKey(staff.id), LOGIN_LIMITS.perAccount, now())
      const counter = await verifyPasskeyLogin(request, response, challenge, passkey).catch(
        async (err: unknown) => {
          await countAttempt(
            db,
            accountKey(staff.id),
            { ...LOGIN_LIMITS.perAccount, max: 1000 },
            now(),
          )
          throw err
        },
      )
      await db
        .updateTable('staff_passkeys')
        .set({ counter, last_used_at: now() })
        .where('id', '=', passkey.id)
        .execute()
      await startSession(request, reply, {
        stage: 'active',
        tenantId: staff.tenant_id,
        subjectId: staff.id,
      })
      await signedIn(request, staff, 'passkey')
      return { redirect: safeNext(request.body?.next, '/console') }
    },
  )

  app.post('/logout', async (request, reply) => {
    await endSession(request, reply)
    return reply.redirect('/console/login', 303)
  })
  return Promise.resolve()
}
