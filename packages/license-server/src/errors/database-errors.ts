const CONNECTION_ERRNOS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ECONNABORTED',
])

const CONNECTION_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Query read timeout',
  'Client has encountered a connection error',
  'Connection ended',
  'terminating connection',
  'Client was closed',
  'Cannot use a pool after calling end',
]

/**
 * True when an error means "the database cannot be reached" (network errors, pool timeouts,
 * SQLSTATE class 08 / 57P0x) rather than a bug: such errors answer 503 DATABASE_UNAVAILABLE.
 *
 * @example
 * ```ts
 * if (isDatabaseUnavailable(err)) reply.code(503)
 * ```
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; depth++) {
    if (typeof e !== 'object') return false
    const { code, message, cause, errors } = e as {
      code?: unknown
      message?: unknown
      cause?: unknown
      errors?: unknown
    }
    if (typeof code === 'string') {
      if (CONNECTION_ERRNOS.has(code)) return true
      if (code.startsWith('08') || code.startsWith('57P0')) return true
    }
    if (typeof message === 'string' && CONNECTION_MESSAGES.some((m) => message.includes(m))) {
      return true
    }
    // AggregateError from net.connect with several addresses
    if (Array.isArray(errors) && errors.some((x) => isDatabaseUnavailable(x))) return true
    e = cause
  }
  return false
}

/**
 * True when a query was cancelled by the statement timeout (SQLSTATE 57014): the database is
 * up, the query was too costly. Answers 503 QUERY_TIMEOUT, never 500.
 *
 * @example
 * ```ts
 * if (isStatementTimeout(err)) throw new AppError('QUERY_TIMEOUT')
 * ```
 */
export function isStatementTimeout(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    if ((e as { code?: unknown }).code === '57014') return true
    e = (e as { cause?: unknown }).cause
  }
  return false
}
