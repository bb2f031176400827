import { createHmac, randomBytes } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { safeEqual } from '../lib/hash.js'
import { appendSetCookie, cookieName, parseCookies, serializeCookie } from './cookies.js'
import { PageError } from './page-error.js'

/** Cookie that anchors the CSRF token of signed-out forms (the sign-in form). */
export const PRE_SESSION_COOKIE = 'tg_pre'
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * The CSRF token bound to a secret the browser holds in an HttpOnly cookie (the session id, or
 * the pre-session cookie when signed out): an attacker's page can neither read nor forge it.
 *
 * @example
 * ```ts
 * csrfTokenFor(rawSessionId, 'staff')
 * ```
 */
export function csrfTokenFor(secret: string, realm: string): string {
  return createHmac('sha256', secret).update(`tollgate-csrf:${realm}`).digest('base64url')
}

/**
 * The pre-session secret of a signed-out browser, set as a cookie when it has none yet.
 *
 * @example
 * ```ts
 * const secret = preSessionSecret(request, reply)
 * ```
 */
export function preSessionSecret(request: FastifyRequest, reply: FastifyReply): string {
  const existing = parseCookies(request.headers.cookie).get(cookieName(request, PRE_SESSION_COOKIE))
  if (existing !== undefined && /^[A-Za-z0-9_-]{43}$/.test(existing)) return existing
  const fresh = randomBytes(32).toString('base64url')
  appendSetCookie(reply, serializeCookie(request, PRE_SESSION_COOKIE, fresh, 86_400))
  return fresh
}

/** The origin the browser should be on: PUBLIC_URL, else the request's own scheme + host. */
export function expectedOrigin(request: FastifyRequest): string {
  const configured = request.server.tollgate.config.web.publicUrl
  const raw = configured ?? `${request.protocol}://${request.host}`
  try {
    return new URL(raw).origin
  } catch {
    return 'null'
  }
}

/**
 * onRequest check of a state-changing request: its `Origin` must be ours. A browser without
 * `Origin` must at least say `Sec-Fetch-Site: same-origin`; a request with neither is refused.
 *
 * @example
 * ```ts
 * scope.addHook('onRequest', async (request) => checkOrigin(request))
 * ```
 */
export function checkOrigin(request: FastifyRequest): void {
  if (SAFE_METHODS.has(request.method)) return
  const origin = request.headers.origin
  if (typeof origin === 'string' && origin !== 'null') {
    let actual: string
    try {
      actual = new URL(origin).origin
    } catch {
      throw new PageError('ORIGIN_REJECTED')
    }
    if (actual !== expectedOrigin(request)) throw new PageError('ORIGIN_REJECTED')
    return
  }
  if (request.headers['sec-fetch-site'] === 'same-origin') return
  throw new PageError('ORIGIN_REJECTED')
}

/**
 * preHandler check (after the body is parsed) of a state-changing request: the CSRF token in the
 * form field `_csrf` or the `x-csrf-token` header must match the browser's secret.
 *
 * @example
 * ```ts
 * scope.addHook('preHandler', async (request) => checkCsrf(request))
 * ```
 */
export function checkCsrf(request: FastifyRequest): void {
  if (SAFE_METHODS.has(request.method)) return
  const header = request.headers['x-csrf-token']
  const body = request.body
  const field =
    body !== null && typeof body === 'object' ? (body as Record<string, unknown>)._csrf : undefined
  const sent = typeof header === 'string' ? header : typeof field === 'string' ? field : undefined
  if (sent === undefined || sent === '') throw new PageError('CSRF_FAILED', 'CSRF token missing')
  if (!safeEqual(sent, request.web.csrfToken)) throw new PageError('CSRF_FAILED')
}
