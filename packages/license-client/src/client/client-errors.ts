// Errors of the client runtime (gates, limits, storage, network, configuration). Kept apart
// from the codec's errors in ../errors.ts, which re-exports them so `/errors` names every class.
import { LicenseError } from '../lib/license-error.js'

/**
 * The license is valid but does not include the feature (the plan must be upgraded).
 * Thrown only by `requireFeature` / `licensed`, i.e. when the app asked for a throw.
 *
 * @example
 * ```ts
 * try { client.requireFeature('sso') } catch (err) {
 *   if (err instanceof FeatureNotEntitledError) console.log(err.feature, err.state) // 'sso', 'valid'
 * }
 * ```
 */
export class FeatureNotEntitledError extends LicenseError {
  /** The feature that was asked for. */
  readonly feature: string
  /** The license state code at the time of the check. */
  readonly state: string

  constructor(feature: string, state: string) {
    super('FEATURE_NOT_ENTITLED', `The license does not include the feature "${feature}"`)
    this.feature = feature
    this.state = state
  }
}

/**
 * The license is in a restricted state (expired, revoked, tampered clock...) so a paid feature is
 * refused. Thrown only when the app asked (`requireFeature`, `licensed`).
 *
 * @example
 * ```ts
 * if (err instanceof LicenseNotValidError) console.log(err.state, err.reason) // 'revoked', '...'
 * ```
 */
export class LicenseNotValidError extends LicenseError {
  /** The feature that was asked for. */
  readonly feature: string
  /** The license state code. */
  readonly state: string
  /** Why the license is not valid, in words. */
  readonly reason: string

  constructor(feature: string, state: string, reason: string) {
    super('LICENSE_NOT_VALID', `Feature "${feature}" unavailable: license is ${state} (${reason})`)
    this.feature = feature
    this.state = state
    this.reason = reason
  }
}

/**
 * A value is over the license's limit for a metric. Thrown only by `requireLimit`.
 *
 * @example
 * ```ts
 * if (err instanceof LimitExceededError) console.log(err.metric, err.limit, err.current)
 * ```
 */
export class LimitExceededError extends LicenseError {
  /** The metric (e.g. `users`). */
  readonly metric: string
  /** The limit in force (0 in restricted states without a free allowance). */
  readonly limit: number
  /** The value that was checked. */
  readonly current: number

  constructor(metric: string, limit: number, current: number) {
    super('LIMIT_EXCEEDED', `Limit for "${metric}" is ${limit}; ${current} is over it`)
    this.metric = metric
    this.limit = limit
    this.current = current
  }
}

/**
 * A file under the client's storage directory could not be read, was corrupt, or could not be
 * written. Reported through the logger; never thrown into the host app by background work.
 *
 * @example
 * ```ts
 * if (err instanceof StorageError) console.log(err.file)
 * ```
 */
export class StorageError extends LicenseError {
  /** The file concerned. */
  readonly file: string

  constructor(file: string, message: string, options?: { cause?: unknown }) {
    super('STORAGE_ERROR', message, options)
    this.file = file
  }
}

/**
 * A call to the license server failed: refused, timed out, an HTTP error status or a body that
 * is not what the API promises. The client keeps its offline state and retries with backoff.
 *
 * @example
 * ```ts
 * if (err instanceof NetworkError) console.log(err.status, err.serverCode)
 * ```
 */
export class NetworkError extends LicenseError {
  /** HTTP status, when a response arrived. */
  readonly status: number | undefined
  /** The server's stable error `code`, when its error body named one. */
  readonly serverCode: string | undefined
  /** The server's `Retry-After`, in seconds, when it sent one. */
  readonly retryAfterS: number | undefined

  constructor(
    message: string,
    details: { status?: number; serverCode?: string; retryAfterS?: number; cause?: unknown } = {},
  ) {
    super('NETWORK_ERROR', message, { cause: details.cause })
    this.status = details.status
    this.serverCode = details.serverCode
    this.retryAfterS = details.retryAfterS
  }
}

/**
 * The options given to `createLicenseClient` are unusable (a programming error, reported at
 * start-up rather than hidden).
 *
 * @example
 * ```ts
 * await createLicenseClient({ storageDir: '' } as never) // rejects with code CONFIG_INVALID
 * ```
 */
export class ConfigInvalidError extends LicenseError {
  constructor(message: string) {
    super('CONFIG_INVALID', message)
  }
}

/**
 * `recordUsage` was given a metric or amount the server would refuse. Thrown only when the app
 * asked for errors (`strictUsage: true`); otherwise the recording is skipped and logged.
 *
 * @example
 * ```ts
 * if (err instanceof UsageInvalidError) console.log(err.metric, err.amount)
 * ```
 */
export class UsageInvalidError extends LicenseError {
  /** The metric as given (truncated). */
  readonly metric: string
  /** The amount as given. */
  readonly amount: unknown

  constructor(metric: unknown, amount: unknown, reason: string) {
    super('USAGE_INVALID', `recordUsage refused: ${reason}`)
    this.metric = String(metric).slice(0, 64)
    this.amount = amount
  }
}
