import { ERROR_CODES, type ErrorCode } from './error-codes.js'

/** The JSON body of every 4xx/5xx answer. */
export interface ErrorBody {
  error: string
  code: ErrorCode
  status: number
}

/**
 * An error with a stable code from {@link ERROR_CODES}; the error handler answers it as
 * `{ error, code, status }` with the table's HTTP status.
 *
 * @example
 * ```ts
 * throw new AppError('INSUFFICIENT_SCOPE', 'licenses:write is required')
 * ```
 */
export class AppError extends Error {
  /** Stable machine-readable code. */
  readonly code: ErrorCode
  /** HTTP status from the table. */
  readonly statusCode: number

  constructor(code: ErrorCode, message?: string, options?: { cause?: unknown }) {
    super(message ?? ERROR_CODES[code].message, options)
    this.name = 'AppError'
    this.code = code
    this.statusCode = ERROR_CODES[code].status
  }

  /** The response body. */
  toBody(): ErrorBody {
    return { error: this.message, code: this.code, status: this.statusCode }
  }
}
