import type { FastifyInstance, FastifyRequest } from 'fastify'
import { FormReader } from '../web/form-reader.js'
import { Fragment, h } from '../web/jsx.js'
import { CsrfField, FormErrors } from '../web/layout.js'
import { startSession } from '../web/sessions.js'
import { sendPage } from '../web/web-scope.js'
import { Field, PublicPage } from './console-layout.js'
import { hashPassword } from './password.js'
import { newRecoveryCodes } from './recovery-codes.js'
import { acceptInvite, openInvite } from './staff.service.js'
import type { StaffInviteRow } from './staff.table.js'
import { matchTotp, newTotpSecret, totpUri } from './totp.js'

interface InviteFormProps {
  request: FastifyRequest
  token: string
  invite: StaffInviteRow
  secret: string
  values?: { email?: string | undefined; name?: string | undefined }
  errors?: Readonly<Record<string, string>>
}

function InviteForm(p: InviteFormProps) {
  const e = p.errors ?? {}
  const setup = p.invite.email === null
  return (
    <PublicPage request={p.request} title={setup ? 'Set up the console' : 'Join the console'}>
      <h1>{setup ? 'Create the first owner account' : 'Create your staff account'}</h1>
      <p>
        Role: <span class="badge">{p.invite.role}</span>
        {p.invite.email ? (
          <>
            {' '}
            · Email: <strong>{p.invite.email}</strong>
          </>
        ) : null}
      </p>
      <FormErrors fields={e} />
      <form method="post" action={`/console/invite/${p.token}`} class="stack">
        <CsrfField token={p.request.web.csrfToken} />
        <input type="hidden" name="secret" value={p.secret} />
        {setup ? (
          <Field
            label="Email"
            name="email"
            type="email"
            value={p.values?.email}
            error={e.email}
            required
            autocomplete="username"
          />
        ) : null}
        <Field
          label="Your name"
          name="name"
          value={p.values?.name}
          error={e.name}
          required
          maxlength={200}
          autocomplete="name"
        />
        <Field
          label="Password"
          name="password"
          type="password"
          error={e.password}
          hint="At least 12 characters"
          required
          autocomplete="new-password"
        />
        <Field
          label="Repeat the password"
          name="password2"
          type="password"
          error={e.password2}
          required
          autocomplete="new-password"
        />
        <fieldset>
          <legend>Authenticator app (TOTP)</legend>
          <p>
            Add this key to your authenticator app, then type the 6-digit code it shows. You can add
            a passkey after signing in.
          </p>
          <p>
            <code id="totp-secret" class="secret">
              {p.secret}
            </code>{' '}
            <button type="button" class="secondary" data-copy="totp-secret">
              Copy
            </button>
          </p>
          <p class="muted mono">{totpUri(p.secret, p.invite.email ?? 'owner', 'Tollgate')}</p>
          <Field
            label="Code"
            name="code"
            error={e.code}
            required
            inputmode="numeric"
            autocomplete="one-time-code"
            maxlength={6}
          />
        </fieldset>
        <button type="submit">Create account</button>
      </form>
    </PublicPage>
  )
}

function RecoveryCodesPage(p: { request: FastifyRequest; codes: string[] }) {
  return (
    <PublicPage request={p.request} title="Recovery codes">
      <h1>Save your recovery codes</h1>
      <p class="alert warn">
        Each code signs you in once if you lose your authenticator. They are shown only now.
      </p>
      <pre id="recovery-codes" class="secret">
        {p.codes.join('\n')}
      </pre>
      <p class="actions">
        <button type="button" class="secondary" data-copy="recovery-codes">
          Copy codes
        </button>
        <a class="button" href="/console">
          Continue to the console
        </a>
      </p>
    </PublicPage>
  )
}

/**
 * The first-owner setup link and staff invitations: `/console/setup/:token` and
 * `/console/invite/:token` (one form: name, password, TOTP enrolment; then recovery codes).
 *
 * @example
 * ```ts
 * await scope.register(consoleInviteRoutes)
 * ```
 */
export function consoleInviteRoutes(app: FastifyInstance): Promise<void> {
  const { db, now, signingKeys } = app.tollgate

  const show = async (request: FastifyRequest<{ Params: { token: string } }>) => {
    const invite = await openInvite(db, request.params.token, now())
    return (
      <InviteForm
        request={request}
        token={request.params.token}
        invite={invite}
        secret={newTotpSecret()}
      />
    )
  }
  app.get<{ Params: { token: string } }>('/setup/:token', async (request, reply) =>
    sendPage(reply, await show(request)),
  )
  app.get<{ Params: { token: string } }>('/invite/:token', async (request, reply) =>
    sendPage(reply, await show(request)),
  )

  app.post<{ Params: { token: string } }>('/invite/:token', async (request, reply) => {
    const token = request.params.token
    const invite = await openInvite(db, token, now())
    const f = new FormReader(request.body)
    const secret = f.text('secret', { label: 'Key', max: 64, pattern: /^[A-Z2-7]{32}$/ })
    const email = invite.email ?? f.email('email', { label: 'Email' })
    const name = f.text('name', { label: 'Name', max: 200 })
    const password = f.text('password', { label: 'Password', min: 12, max: 200 })
    if (f.raw('password2') !== f.raw('password')) f.fail('password2', 'The passwords differ')
    const code = f.raw('code').trim()
    const step = matchTotp(secret, code, now(), null)
    if (step === null)
      f.fail('code', 'That code does not match the key: check the time on your phone')
    if (Object.keys(f.errors).length > 0) {
      return sendPage(
        reply,
        <InviteForm
          request={request}
          token={token}
          invite={invite}
          secret={/^[A-Z2-7]{32}$/.test(secret) ? secret : newTotpSecret()}
          values={{ email, name }}
          errors={f.errors}
        />,
        400,
      )
    }
    const passwordHash = await hashPassword(password)
    const { codes, hashes } = newRecoveryCodes()
    const staff = await db.transaction().execute((trx) =>
      acceptInvite(trx, {
        token,
        email,
        name,
        passwordHash,
        totpSecret: secret,
        totpStep: step ?? 0,
        recoveryHashes: hashes,
        masterKey: signingKeys.masterKey,
        now: now(),
        request,
      }),
    )
    await startSession(request, reply, {
      stage: 'active',
      tenantId: staff.tenant_id,
      subjectId: staff.id,
    })
    return sendPage(reply, <RecoveryCodesPage request={request} codes={codes} />)
  })
  return Promise.resolve()
}
