import type { FastifyError } from 'fastify'
import { AppError } from './app-error.js'
import { isDatabaseUnavailable, isStatementTimeout } from './database-errors.js'
import type { ErrorCode } from './error-codes.js'

const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_JSON_BODY: 'MALFORMED_JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'MALFORMED_JSON',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'BAD_REQUEST',
  FST_ERR_VALIDATION: 'VALIDATION_FAILED',
  FST_ERR_NOT_FOUND: 'ROUTE_NOT_FOUND',
}

const BY_STATUS: Record<number, ErrorCode> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'INSUFFICIENT_SCOPE',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  406: 'NOT_ACCEPTABLE',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
  503: 'SERVICE_UNAVAILABLE',
}

/**
 * Maps anything thrown in a request to an {@link AppError}: ours pass through, Fastify's
 * validation / body / JSON errors get their codes, lost database connections become
 * DATABASE_UNAVAILABLE, unique violations CONFLICT, and anything else INTERNAL_ERROR with a
 * generic message (details go to the log, never to the client).
 *
 * @example
 * ```ts
 * app.setErrorHandler((err, req, reply) => { const e = toAppError(err); reply.code(e.statusCode).send(e.toBody()) })
 * ```
 */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err
  const e = (typeof err === 'object' && err !== null ? err : {}) as Partial<FastifyError> & {
    constraint?: string
  }
  if (Array.isArray(e.validation)) {
    const context = e.validationContext ?? 'request'
    const detail = (e.message ?? '').replace(/^(body|querystring|params|headers)\s*/, '')
    return new AppError('VALIDATION_FAILED', `${context} ${detail}`.trim(), { cause: err })
  }
  if (typeof e.code === 'string') {
    const mapped = FASTIFY_CODES[e.code]
    if (mapped) return new AppError(mapped, undefined, { cause: err })
    if (e.code === '23505')
      return new AppError('CONFLICT', 'An object with these unique fields already exists', {
        cause: err,
      })
  }
  if (isStatementTimeout(err)) return new AppError('QUERY_TIMEOUT', undefined, { cause: err })
  if (isDatabaseUnavailable(err))
    return new AppError('DATABASE_UNAVAILABLE', undefined, { cause: err })
  const status = typeof e.statusCode === 'number' ? e.statusCode : 500
  if (status >= 400 && status < 500) {
    const code = BY_STATUS[status] ?? 'BAD_REQUEST'
    // Fastify's own 4xx messages (bad URL, proto poisoning...) are safe to show.
    return new AppError(code, typeof e.message === 'string' ? e.message : undefined, { cause: err })
  }
  return new AppError('INTERNAL_ERROR', undefined, { cause: err })
}
