import type { FastifyInstance } from 'fastify'
import { h } from '../../web/jsx.js'
import { CsrfField, FormErrors } from '../../web/layout.js'
import { endSession, startSession } from '../../web/sessions.js'
import { sendPage } from '../../web/web-scope.js'
import { DEFAULT_LOGIN_POLICY } from '../portal.config.js'
import { requestLoginCode } from '../request-login-code.js'
import { verifyLoginCode } from '../verify-login-code.js'
import { portalChrome, portalTenant } from './portal-chrome.js'
import { PortalLayout, type PortalChrome } from './portal-layout.js'

function EmailForm(p: { chrome: PortalChrome; tenant: string; error?: string; email?: string }) {
  return (
    <PortalLayout title="Sign in" chrome={p.chrome}>
      <section class="card narrow" aria-labelledby="t">
        <h1 id="t">Sign in</h1>
        <p>Enter the email address your company uses with us. We will email you a 6-digit code.</p>
        <FormErrors message={p.error} />
        <form method="post" action="/portal/login">
          <CsrfField token={p.chrome.csrfToken} />
          <input type="hidden" name="tenant" value={p.tenant} />
          <label for="email">Email</label>
          <input
            id="email"
            name="email"
            type="email"
            autocomplete="email"
            required
            value={p.email ?? ''}
          />
          <button type="submit">Email me a code</button>
        </form>
      </section>
    </PortalLayout>
  )
}

function CodeForm(p: { chrome: PortalChrome; tenant: string; email: string; error?: string }) {
  return (
    <PortalLayout title="Enter your code" chrome={p.chrome}>
      <section class="card narrow" aria-labelledby="t">
        <h1 id="t">Check your email</h1>
        <p>
          If <strong>{p.email}</strong> has access, a 6-digit code is on its way. It works once, for
          10 minutes.
        </p>
        <FormErrors message={p.error} />
        <form method="post" action="/portal/login/code">
          <CsrfField token={p.chrome.csrfToken} />
          <input type="hidden" name="tenant" value={p.tenant} />
          <input type="hidden" name="email" value={p.email} />
          <label for="code">Code</label>
          <input
            id="code"
            name="code"
            inputmode="numeric"
            autocomplete="one-time-code"
            pattern="[0-9 ]{6,7}"
            maxlength={7}
            required
          />
          <button type="submit">Sign in</button>
        </form>
        <p>
          <a href={`/portal/login${p.tenant ? `?tenant=${encodeURIComponent(p.tenant)}` : ''}`}>
            Use another email or send a new code
          </a>
        </p>
      </section>
    </PortalLayout>
  )
}

const REASONS = {
  invalid: 'That code is not right. Check the latest email and try again.',
  expired: 'That code has expired. Ask for a new one.',
} as const

/**
 * Sign-in pages: `GET|POST /portal/login` (email → code by email), `GET|POST /portal/login/code`
 * (code → session), `POST /portal/logout`. The email step answers the same page whatever the
 * email; wrong, expired and locked-out codes get their message on the page.
 *
 * @example
 * ```ts
 * await scope.register(loginPages)
 * ```
 */
export function loginPages(app: FastifyInstance): Promise<void> {
  const { db, now } = app.tollgate
  const policy = DEFAULT_LOGIN_POLICY
  const field = (body: unknown, name: string): unknown =>
    body !== null && typeof body === 'object' ? (body as Record<string, unknown>)[name] : undefined

  app.get('/login', async (request, reply) => {
    const tenantId = await portalTenant(request)
    const q = (request.query as { tenant?: unknown } | null)?.tenant
    const tenant = typeof q === 'string' ? q : ''
    return sendPage(
      reply,
      <EmailForm chrome={await portalChrome(request, tenantId)} tenant={tenant} />,
    )
  })

  app.post('/login', async (request, reply) => {
    const tenantRaw = field(request.body, 'tenant')
    const tenantId = await portalTenant(request, tenantRaw)
    const tenant = typeof tenantRaw === 'string' ? tenantRaw : ''
    const r = await requestLoginCode(db, {
      tenantId,
      email: field(request.body, 'email'),
      now: now(),
      policy,
    })
    const chrome = await portalChrome(request, tenantId)
    if (!r.ok) {
      return sendPage(
        reply,
        <EmailForm chrome={chrome} tenant={tenant} error="Enter a valid email address." />,
        400,
      )
    }
    // Deliver now rather than at the next outbox tick: someone is waiting for this email.
    void app.billing
      .deliver()
      .catch((err: unknown) => request.log.warn({ err }, 'outbox delivery failed'))
    return sendPage(reply, <CodeForm chrome={chrome} tenant={tenant} email={r.email} />)
  })

  app.post('/login/code', async (request, reply) => {
    const tenantRaw = field(request.body, 'tenant')
    const tenantId = await portalTenant(request, tenantRaw)
    const tenant = typeof tenantRaw === 'string' ? tenantRaw : ''
    const email = field(request.body, 'email')
    const r = await verifyLoginCode(db, {
      tenantId,
      email,
      code: field(request.body, 'code'),
      now: now(),
      policy,
      requestId: request.id,
      ip: request.ip,
    })
    if (r.ok) {
      await startSession(request, reply, {
        stage: 'active',
        tenantId,
        subjectId: r.user.id,
        data: { kind: 'user' },
      })
      return reply.redirect('/portal', 303)
    }
    const chrome = await portalChrome(request, tenantId)
    const shown = typeof email === 'string' ? email.slice(0, 254) : ''
    if (r.reason === 'locked') {
      const minutes = Math.max(1, Math.ceil((r.until.getTime() - now().getTime()) / 60_000))
      return sendPage(
        reply.header('retry-after', String(minutes * 60)),
        <EmailForm
          chrome={chrome}
          tenant={tenant}
          email={shown}
          error={`Too many wrong codes. Sign-in for this email is locked for ${minutes} minutes; then ask for a new code.`}
        />,
        429,
      )
    }
    return sendPage(
      reply,
      <CodeForm chrome={chrome} tenant={tenant} email={shown} error={REASONS[r.reason]} />,
      400,
    )
  })

  app.post('/logout', async (request, reply) => {
    await endSession(request, reply)
    return reply.redirect('/portal/login', 303)
  })
  return Promise.resolve()
}
