import formbody from '@fastify/formbody'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { AppError } from '../errors/app-error.js'
import { checkCsrf, checkOrigin, csrfTokenFor, preSessionSecret } from './csrf.js'
import { ErrorPage } from './error-page.js'
import type { Html } from './html.js'
import { h, renderDocument } from './jsx.js'
import { PageError, type PageErrorCode } from './page-error.js'
import { loadSession } from './sessions.js'
import type { WebRealm } from './web-session.table.js'

/** Options of {@link setupWebScope}. */
export interface WebScopeOptions {
  realm: WebRealm
  /** Shown in the header of error pages. */
  app: string
  /** `/console`, `/portal`. */
  homeHref: string
  /** `/console/login`: where a signed-out browser is sent. */
  loginHref: string
  /** Largest form body, in bytes (default 64 KiB). */
  formBodyLimit?: number
  /** Extra `form-action` sources of the CSP (e.g. `https://billing.stripe.com` for a redirect). */
  formActionSources?: string[]
}

/** Headers of every console/portal page: scripts only from our origin, nothing inline. */
export function webSecurityHeaders(formActionSources: string[] = []): Record<string, string> {
  const formAction = ["'self'", ...formActionSources].join(' ')
  return {
    'content-security-policy': [
      "default-src 'none'",
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self' data: https:",
      "connect-src 'self'",
      `form-action ${formAction}`,
      "frame-ancestors 'none'",
      "base-uri 'none'",
    ].join('; '),
    'cache-control': 'no-store',
    'referrer-policy': 'same-origin',
    'cross-origin-opener-policy': 'same-origin',
    'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=()',
    'x-frame-options': 'DENY',
  }
}

/**
 * Sends a rendered document.
 *
 * @example
 * ```tsx
 * return sendPage(reply, <Layout ...>...</Layout>)
 * ```
 */
export function sendPage(reply: FastifyReply, page: Html, status = 200): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').send(renderDocument(page))
}

/**
 * A `next` target that stays inside `prefix` (no open redirect), else `prefix`.
 *
 * @example
 * ```ts
 * safeNext('/console/licenses?q=a', '/console') // '/console/licenses?q=a'
 * safeNext('//evil.test', '/console') // '/console'
 * ```
 */
export function safeNext(next: unknown, prefix: string): string {
  if (typeof next !== 'string' || next.length > 2000) return prefix
  if (next !== prefix && !next.startsWith(`${prefix}/`) && !next.startsWith(`${prefix}?`)) {
    return prefix
  }
  // eslint-disable-next-line no-control-regex -- control characters are what it refuses
  return /[\\\u0000-\u001f]|\/\//.test(next) ? prefix : next
}

function wantsJson(request: FastifyRequest): boolean {
  const accept = request.headers.accept ?? ''
  return accept.includes('application/json') && !accept.includes('text/html')
}

function toPageError(err: unknown): PageError {
  if (err instanceof PageError) return err
  if (err instanceof AppError) {
    const map: Partial<Record<string, PageErrorCode>> = {
      NOT_FOUND: 'NOT_FOUND',
      RATE_LIMITED: 'RATE_LIMITED',
      PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
      UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
      DATABASE_UNAVAILABLE: 'UNAVAILABLE',
      SERVICE_UNAVAILABLE: 'UNAVAILABLE',
      INSUFFICIENT_SCOPE: 'FORBIDDEN',
    }
    const code =
      map[err.code] ??
      (err.statusCode === 409 ? 'CONFLICT' : err.statusCode < 500 ? 'BAD_INPUT' : 'INTERNAL_ERROR')
    return new PageError(code, code === 'INTERNAL_ERROR' ? undefined : err.message, { cause: err })
  }
  const fe = err as Partial<FastifyError>
  if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return new PageError('PAYLOAD_TOO_LARGE')
  if (fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return new PageError('UNSUPPORTED_MEDIA_TYPE')
  if (fe.validation || (typeof fe.statusCode === 'number' && fe.statusCode === 400)) {
    return new PageError('BAD_INPUT', 'The request is not valid')
  }
  return new PageError('INTERNAL_ERROR', undefined, { cause: err })
}

/**
 * Turns a Fastify scope into a console/portal scope: form parsing with a bounded body, the web
 * security headers, the session of `realm` on `request.web`, an Origin check and a CSRF check on
 * every state change, and HTML error pages (JSON for `Accept: application/json` fetches).
 *
 * @example
 * ```ts
 * await app.register(async (scope) => {
 *   await setupWebScope(scope, { realm: 'staff', app: 'Tollgate console', homeHref: '/console', loginHref: '/console/login' })
 *   await scope.register(consolePages)
 * }, { prefix: '/console' })
 * ```
 */
export async function setupWebScope(scope: FastifyInstance, opts: WebScopeOptions): Promise<void> {
  await scope.register(formbody, { bodyLimit: opts.formBodyLimit ?? 64 * 1024 })
  const headers = webSecurityHeaders(opts.formActionSources)
  scope.decorateRequest('web', null as never)

  scope.addHook('onRequest', async (request, reply) => {
    void reply.headers(headers)
    request.web = { realm: opts.realm, session: null, csrfSecret: '', csrfToken: '' }
    checkOrigin(request)
    const loaded = await loadSession(request, opts.realm)
    request.web.session = loaded?.session ?? null
    request.web.csrfSecret = loaded?.rawId ?? preSessionSecret(request, reply)
    request.web.csrfToken = csrfTokenFor(request.web.csrfSecret, opts.realm)
  })
  scope.addHook('preHandler', (request, _reply, done) => {
    try {
      checkCsrf(request)
      done()
    } catch (err) {
      done(err as Error)
    }
  })

  scope.setNotFoundHandler((_request, _reply) => {
    throw new PageError('NOT_FOUND', 'No such page')
  })
  scope.setErrorHandler((err, request, reply) => {
    const page = toPageError(err)
    if (page.code === 'INTERNAL_ERROR' || page.code === 'UNAVAILABLE') {
      request.log.error({ err }, 'web page failed')
    }
    if (page.retryAfterS !== undefined) void reply.header('retry-after', String(page.retryAfterS))
    if (wantsJson(request)) {
      return reply.code(page.statusCode).send({
        error: page.message,
        code: page.code,
        status: page.statusCode,
        fields: page.fields,
      })
    }
    const csrfToken = (request.web as typeof request.web | null)?.csrfToken ?? ''
    return sendPage(
      reply.headers(headers),
      <ErrorPage
        status={page.statusCode}
        message={page.message}
        fields={page.fields}
        app={opts.app}
        homeHref={opts.homeHref}
        csrfToken={csrfToken}
        loginHref={page.code === 'SESSION_REQUIRED' ? opts.loginHref : undefined}
      />,
      page.statusCode,
    )
  })
}

/**
 * preHandler of pages that need a signed-in person: a GET without one is redirected to the
 * sign-in page (with `next`), any other method answers 401 SESSION_REQUIRED.
 *
 * @example
 * ```ts
 * inner.addHook('preHandler', requireSignedIn('/console/login'))
 * ```
 */
export function requireSignedIn(
  loginHref: string,
): (request: FastifyRequest, reply: FastifyReply) => Promise<void> {
  return async (request, reply) => {
    const s = request.web.session
    if (s && s.stage === 'active') return
    if (request.method === 'GET' || request.method === 'HEAD') {
      await reply.redirect(`${loginHref}?next=${encodeURIComponent(request.url)}`, 303)
      return
    }
    throw new PageError('SESSION_REQUIRED')
  }
}
