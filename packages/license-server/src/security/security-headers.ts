import type { FastifyInstance } from 'fastify'

/**
 * The security headers of every answer. An API serves no HTML, so the policy is the strictest:
 * nothing may load, frame or be framed. Computed once: @fastify/helmet rebuilt its middleware
 * on every request, which cost ~10% of a validation.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'; base-uri 'none'",
  'referrer-policy': 'no-referrer',
  'cross-origin-resource-policy': 'same-origin',
}

/**
 * Adds {@link SECURITY_HEADERS} and `X-Request-Id` to every answer, errors and 404s included
 * (one onRequest hook: each hook pass costs on the hot validation path).
 *
 * @example
 * ```ts
 * installSecurityHeaders(app)
 * ```
 */
export function installSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onRequest', (request, reply, done) => {
    void reply.headers(SECURITY_HEADERS)
    void reply.header('x-request-id', request.id)
    done()
  })
}
