import type { FastifyRequest } from 'fastify'

/**
 * The server's public origin as the caller reached it (`https://lic.vendor.example`), for links
 * the server hands out. Behind a load balancer, TRUST_PROXY makes it honour X-Forwarded-Proto
 * and X-Forwarded-Host.
 *
 * @example
 * ```ts
 * const loginUrl = `${requestOrigin(req)}/portal/login`
 * ```
 */
export function requestOrigin(req: FastifyRequest): string {
  return `${req.protocol}://${req.host}`
}
