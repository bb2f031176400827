import type { FastifyRequest } from 'fastify'

/**
 * The server's public origin for links it hands out (`https://lic.vendor.example`): PUBLIC_URL
 * when set, else the origin the caller reached (behind a load balancer, TRUST_PROXY makes that
 * honour X-Forwarded-Proto and X-Forwarded-Host).
 *
 * @example
 * ```ts
 * const loginUrl = `${requestOrigin(req)}/portal/login`
 * ```
 */
export function requestOrigin(req: FastifyRequest): string {
  return req.server.tollgate.config.web.publicUrl ?? `${req.protocol}://${req.host}`
}
