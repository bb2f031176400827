import type { FastifyReply, FastifyRequest } from 'fastify'

/** Public routes a vendor's pricing page (another origin) may call from a browser. */
export const CORS_ROUTES: ReadonlySet<string> = new Set(['/v1/billing/checkout', '/v1/plans'])

/**
 * onSend hook of the public scope: on the routes of {@link CORS_ROUTES}, an `Origin` listed in
 * CORS_ORIGINS gets `Access-Control-Allow-Origin` (that origin, never `*`), preflights get the
 * methods and headers they may use. Other origins get no CORS headers (the browser blocks them);
 * nothing changes for server-to-server calls.
 *
 * @example
 * ```ts
 * pub.addHook('onSend', corsOnSend)
 * ```
 */
export function corsOnSend(
  request: FastifyRequest,
  reply: FastifyReply,
  payload: unknown,
  done: (err: null, payload: unknown) => void,
): void {
  const route = request.routeOptions.url
  if (route && CORS_ROUTES.has(route)) {
    void reply.header('vary', 'Origin')
    const origin = request.headers.origin
    const allowed = request.server.tollgate.config.webhooks.corsOrigins
    if (typeof origin === 'string' && allowed.includes(origin)) {
      void reply.header('access-control-allow-origin', origin)
      if (request.method === 'OPTIONS') {
        void reply
          .header('access-control-allow-methods', 'GET, POST')
          .header('access-control-allow-headers', 'content-type')
          .header('access-control-max-age', '600')
      }
    }
  }
  done(null, payload)
}
