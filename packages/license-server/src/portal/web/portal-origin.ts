import type { FastifyRequest } from 'fastify'
import { requestOrigin } from '../request-origin.js'

/**
 * The origin links to the portal use: PUBLIC_URL when set, else the request's own.
 *
 * @example
 * ```ts
 * const loginUrl = `${portalOrigin(request)}/portal/login`
 * ```
 */
export function portalOrigin(request: FastifyRequest): string {
  return request.server.tollgate.config.web.publicUrl ?? requestOrigin(request)
}
