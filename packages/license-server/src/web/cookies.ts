import type { FastifyRequest } from 'fastify'

const MAX_COOKIES = 50
const COOKIE_NAME = /^[A-Za-z0-9_-]+$/

/**
 * Parses a Cookie header into a map. Bounded (50 cookies, 4 KiB values); anything odd is skipped
 * rather than thrown: a cookie is a hint, never a reason for a 500.
 *
 * @example
 * ```ts
 * parseCookies('a=1; b=2').get('b') // '2'
 * ```
 */
export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>()
  if (typeof header !== 'string') return out
  for (const part of header.split(';', MAX_COOKIES)) {
    const eq = part.indexOf('=')
    if (eq <= 0) continue
    const name = part.slice(0, eq).trim()
    const value = part.slice(eq + 1).trim()
    if (value.length > 4096 || out.has(name)) continue
    out.set(name, value)
  }
  return out
}

/** Whether the browser reached us over TLS, or on a loopback host (a secure context too). */
export function isSecureRequest(request: FastifyRequest): boolean {
  if (request.protocol === 'https') return true
  const host = request.hostname.replace(/^\[|\]$/g, '')
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host)
}

/**
 * The cookie name for `base`: `__Host-<base>` when the cookie can be Secure (the prefix makes
 * the browser refuse it from a subdomain or over plain HTTP), else `<base>`.
 *
 * @example
 * ```ts
 * cookieName(request, 'tg_console') // '__Host-tg_console' over TLS
 * ```
 */
export function cookieName(request: FastifyRequest, base: string): string {
  return isSecureRequest(request) ? `__Host-${base}` : base
}

/**
 * A Set-Cookie value: Path=/, HttpOnly, SameSite=Lax, Secure when the request is secure.
 * `maxAgeS` 0 deletes the cookie.
 *
 * @example
 * ```ts
 * reply.header('set-cookie', serializeCookie(request, 'tg_console', id, 3600))
 * ```
 */
export function serializeCookie(
  request: FastifyRequest,
  base: string,
  value: string,
  maxAgeS: number,
): string {
  if (!COOKIE_NAME.test(base) || !/^[A-Za-z0-9_-]*$/.test(value)) {
    throw new TypeError('cookie names and values are base64url')
  }
  const secure = isSecureRequest(request)
  return [
    `${secure ? '__Host-' : ''}${base}=${value}`,
    'Path=/',
    `Max-Age=${Math.max(0, Math.floor(maxAgeS))}`,
    'HttpOnly',
    'SameSite=Lax',
    ...(secure ? ['Secure'] : []),
  ].join('; ')
}

/**
 * Appends a Set-Cookie header (keeps the ones already set on the reply).
 *
 * @example
 * ```ts
 * appendSetCookie(reply, serializeCookie(request, 'tg_pre', value, 86400))
 * ```
 */
export function appendSetCookie(
  reply: { getHeader(name: string): unknown; header(name: string, value: unknown): unknown },
  cookie: string,
): void {
  const prev = reply.getHeader('set-cookie')
  const list = Array.isArray(prev) ? (prev as string[]) : typeof prev === 'string' ? [prev] : []
  reply.header('set-cookie', [...list, cookie])
}
