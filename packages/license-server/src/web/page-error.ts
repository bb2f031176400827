/** Codes of the errors a web page shows (the HTML counterpart of the API's error table). */
export const PAGE_ERRORS = {
  BAD_INPUT: { status: 400, message: 'Some fields need attention' },
  SESSION_REQUIRED: { status: 401, message: 'Please sign in' },
  CSRF_FAILED: {
    status: 403,
    message: 'The form expired or did not come from this site. Reload the page and try again.',
  },
  ORIGIN_REJECTED: { status: 403, message: 'The request did not come from this site' },
  FORBIDDEN: { status: 403, message: 'Your role does not allow this' },
  NOT_FOUND: { status: 404, message: 'Not found' },
  CONFLICT: { status: 409, message: 'That conflicts with the current state' },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'The form is too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'Unsupported form encoding' },
  RATE_LIMITED: { status: 429, message: 'Too many attempts; wait a while and try again' },
  INTERNAL_ERROR: { status: 500, message: 'Something went wrong on our side' },
  UNAVAILABLE: { status: 503, message: 'The service is unavailable; try again shortly' },
} as const

/** A page error code. */
export type PageErrorCode = keyof typeof PAGE_ERRORS

/**
 * An error a page answers with a rendered message (and, for forms, per-field messages) instead
 * of a 500. Thrown by handlers, the CSRF/Origin checks and {@link FormReader}.
 *
 * @example
 * ```ts
 * throw new PageError('FORBIDDEN', 'Only owners and admins can revoke licenses')
 * ```
 */
export class PageError extends Error {
  readonly code: PageErrorCode
  readonly statusCode: number
  /** Field name → message, for forms. */
  readonly fields: Readonly<Record<string, string>>
  /** Seconds until a retry may succeed (RATE_LIMITED). */
  readonly retryAfterS: number | undefined

  constructor(
    code: PageErrorCode,
    message?: string,
    opts: { fields?: Record<string, string>; retryAfterS?: number; cause?: unknown } = {},
  ) {
    super(message ?? PAGE_ERRORS[code].message, { cause: opts.cause })
    this.name = 'PageError'
    this.code = code
    this.statusCode = PAGE_ERRORS[code].status
    this.fields = opts.fields ?? {}
    this.retryAfterS = opts.retryAfterS
  }
}
