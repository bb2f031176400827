/**
 * The one error type the CLI raises on purpose. Every error has a stable string-literal `code`
 * and the process exit code it maps to, so `bin.ts` never has to guess.
 *
 * @example
 * ```ts
 * throw new CliError('USAGE', 'Pass --customer or --from', { hint: 'see tollgate license issue --help' })
 * ```
 * @packageDocumentation
 */

/**
 * Exit codes of the `tollgate` process.
 *
 * @example
 * ```ts
 * if ((await run(['license', 'verify', 'k.key'], ctx)) === EXIT.NOT_VALID) alert()
 * ```
 */
export const EXIT = {
  /** Success. */
  OK: 0,
  /** A request or operation failed (server error, network, file I/O, aborted). */
  FAILED: 1,
  /** The command line was wrong (flags, arguments, missing login). */
  USAGE: 2,
  /** `license verify`: the license is not valid. */
  NOT_VALID: 3,
} as const

/** An exit code of the `tollgate` process. */
export type ExitCode = (typeof EXIT)[keyof typeof EXIT]

/** Every code a {@link CliError} can carry (server codes travel in `serverCode`). */
export type CliErrorCode =
  | 'USAGE'
  | 'NOT_LOGGED_IN'
  | 'CONFIG_INVALID'
  | 'FILE_ERROR'
  | 'NETWORK_ERROR'
  | 'TIMEOUT'
  | 'HTTP_ERROR'
  | 'BAD_RESPONSE'
  | 'ABORTED'
  | 'PARTIAL_FAILURE'
  | 'JWKS_INVALID'
  | 'REVOCATION_LIST_INVALID'
  | 'UNEXPECTED'

const DEFAULT_EXIT: Record<CliErrorCode, ExitCode> = {
  USAGE: EXIT.USAGE,
  NOT_LOGGED_IN: EXIT.USAGE,
  CONFIG_INVALID: EXIT.USAGE,
  FILE_ERROR: EXIT.FAILED,
  NETWORK_ERROR: EXIT.FAILED,
  TIMEOUT: EXIT.FAILED,
  HTTP_ERROR: EXIT.FAILED,
  BAD_RESPONSE: EXIT.FAILED,
  ABORTED: EXIT.FAILED,
  PARTIAL_FAILURE: EXIT.FAILED,
  JWKS_INVALID: EXIT.FAILED,
  REVOCATION_LIST_INVALID: EXIT.FAILED,
  UNEXPECTED: EXIT.FAILED,
}

/** Options of {@link CliError}. */
export interface CliErrorOptions {
  /** One line telling the user what to do next. */
  hint?: string
  /** Overrides the exit code implied by `code`. */
  exitCode?: ExitCode
  /** HTTP status of a failed request. */
  status?: number
  /** The server's stable error code (`{ error, code }` body), shown as it is. */
  serverCode?: string
  cause?: unknown
}

/**
 * A failure the CLI reports to the user: message, optional hint, exit code.
 *
 * @example
 * ```ts
 * if (err instanceof CliError) console.error(err.message, err.exitCode)
 * ```
 */
export class CliError extends Error {
  /** Stable machine-readable code. */
  readonly code: CliErrorCode
  /** Process exit code. */
  readonly exitCode: ExitCode
  readonly hint: string | undefined
  readonly status: number | undefined
  readonly serverCode: string | undefined

  constructor(code: CliErrorCode, message: string, options: CliErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'CliError'
    this.code = code
    this.exitCode = options.exitCode ?? DEFAULT_EXIT[code]
    this.hint = options.hint
    this.status = options.status
    this.serverCode = options.serverCode
  }

  /** The JSON shape printed to stderr under `--json`. */
  toJSON(): { error: string; code: string; status?: number; hint?: string } {
    return {
      error: this.message,
      code: this.serverCode ?? this.code,
      ...(this.status === undefined ? {} : { status: this.status }),
      ...(this.hint === undefined ? {} : { hint: this.hint }),
    }
  }
}
