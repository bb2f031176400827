import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { AppError } from './app-error.js'
import { toAppError } from './to-app-error.js'

/**
 * Installs the error and not-found handlers: every failure answers `{ error, code, status }`.
 *
 * @example
 * ```ts
 * installErrorHandler(app)
 * ```
 */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const appError = toAppError(err)
    if (appError.statusCode >= 500) {
      request.log.error({ err, code: appError.code }, 'request failed')
    } else {
      request.log.info({ code: appError.code, msg: appError.message }, 'request rejected')
    }
    if (appError.code === 'DATABASE_UNAVAILABLE' || appError.code === 'QUERY_TIMEOUT')
      reply.header('retry-after', '5')
    return reply.code(appError.statusCode).send(appError.toBody())
  })
  app.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) => {
    const e = new AppError(
      'ROUTE_NOT_FOUND',
      `No route ${request.method} ${request.url.split('?')[0]}`,
    )
    return reply.code(404).send(e.toBody())
  })
}
