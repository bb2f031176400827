/**
 * Typed errors of the license client. Every error has a stable string-literal `code` so callers
 * branch on `err.code`, never on message text.
 *
 * @example
 * ```ts
 * import { LicenseError } from '@tollgate/license-client/errors'
 * try {
 *   verifyLicense(token, jwks)
 * } catch (err) {
 *   if (err instanceof LicenseError && err.code === 'BAD_CHECKSUM') console.error('Key was mistyped')
 * }
 * ```
 * @packageDocumentation
 */

import type { AttestationErrorCode } from './attestation/errors.js'

/** Every code a {@link LicenseError} can carry. */
export type LicenseErrorCode =
  | 'MALFORMED'
  | 'BAD_CHECKSUM'
  | 'UNKNOWN_KEY'
  | 'BAD_SIGNATURE'
  | 'UNSUPPORTED_ALG'
  | 'WRONG_TYPE'
  | 'NOT_YET_VALID'
  | 'EXPIRED'
  | 'TOO_LARGE'
  | 'INVALID_KEY'
  | 'ENGINE_UNAVAILABLE'
  | 'FEATURE_NOT_ENTITLED'
  | 'LIMIT_EXCEEDED'
  | 'LICENSE_NOT_VALID'
  | 'STORAGE_ERROR'
  | 'NETWORK_ERROR'
  | 'CONFIG_INVALID'
  | AttestationErrorCode

/**
 * Base class of every error the client throws.
 *
 * @example
 * ```ts
 * if (err instanceof LicenseError) console.log(err.code)
 * ```
 */
export class LicenseError extends Error {
  /** Stable machine-readable code. */
  readonly code: LicenseErrorCode

  constructor(code: LicenseErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = new.target.name
    this.code = code
  }
}

/**
 * The input is not a token / JWS of the expected shape.
 *
 * @example
 * ```ts
 * err instanceof MalformedError // err.code === 'MALFORMED'
 * ```
 */
export class MalformedError extends LicenseError {
  constructor(message = 'Malformed license token', options?: { cause?: unknown }) {
    super('MALFORMED', message, options)
  }
}

/**
 * The checksum does not match: the key was mistyped or truncated (checked before any crypto).
 *
 * @example
 * ```ts
 * err instanceof BadChecksumError // err.code === 'BAD_CHECKSUM'
 * ```
 */
export class BadChecksumError extends LicenseError {
  constructor(message = 'License key checksum mismatch: the key was mistyped or truncated') {
    super('BAD_CHECKSUM', message)
  }
}

/**
 * The `kid` in the header names no key in the key set (unknown or removed after rotation).
 *
 * @example
 * ```ts
 * err instanceof UnknownKeyError // err.code === 'UNKNOWN_KEY'
 * ```
 */
export class UnknownKeyError extends LicenseError {
  constructor(kid: string) {
    super('UNKNOWN_KEY', `No verification key with kid "${kid.slice(0, 64)}"`)
  }
}

/**
 * The signature does not verify, or is malleable (S >= L).
 *
 * @example
 * ```ts
 * err instanceof BadSignatureError // err.code === 'BAD_SIGNATURE'
 * ```
 */
export class BadSignatureError extends LicenseError {
  constructor(message = 'Signature verification failed') {
    super('BAD_SIGNATURE', message)
  }
}

/**
 * The protected header names an algorithm other than EdDSA.
 *
 * @example
 * ```ts
 * err instanceof UnsupportedAlgError // err.code === 'UNSUPPORTED_ALG'
 * ```
 */
export class UnsupportedAlgError extends LicenseError {
  constructor(alg: unknown) {
    super(
      'UNSUPPORTED_ALG',
      `Unsupported algorithm ${JSON.stringify(alg)?.slice(0, 32)}; only EdDSA`,
    )
  }
}

/**
 * A signed object of another type (e.g. a lease) was given where a license was expected.
 *
 * @example
 * ```ts
 * err instanceof WrongTypeError // err.code === 'WRONG_TYPE'
 * ```
 */
export class WrongTypeError extends LicenseError {
  constructor(expected: string, got: unknown) {
    super('WRONG_TYPE', `Expected typ "${expected}", got ${JSON.stringify(got)?.slice(0, 48)}`)
  }
}

/**
 * The token's `nbf` is in the future (beyond the clock tolerance).
 *
 * @example
 * ```ts
 * err instanceof NotYetValidError // err.code === 'NOT_YET_VALID'
 * ```
 */
export class NotYetValidError extends LicenseError {
  constructor(nbf: number) {
    super('NOT_YET_VALID', `License not valid before ${new Date(nbf * 1000).toISOString()}`)
  }
}

/**
 * The token's `exp` has passed (beyond the clock tolerance).
 *
 * @example
 * ```ts
 * err instanceof ExpiredError // err.code === 'EXPIRED'
 * ```
 */
export class ExpiredError extends LicenseError {
  constructor(exp: number) {
    super('EXPIRED', `License expired at ${new Date(exp * 1000).toISOString()}`)
  }
}

/**
 * The input is larger than the format allows; rejected before it is parsed.
 *
 * @example
 * ```ts
 * err instanceof TooLargeError // err.code === 'TOO_LARGE'
 * ```
 */
export class TooLargeError extends LicenseError {
  constructor(size: number, max: number) {
    super('TOO_LARGE', `Input of ${size} characters exceeds the limit of ${max}`)
  }
}

/**
 * A key could not be imported or is not an Ed25519 key.
 *
 * @example
 * ```ts
 * err instanceof InvalidKeyError // err.code === 'INVALID_KEY'
 * ```
 */
export class InvalidKeyError extends LicenseError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('INVALID_KEY', message, options)
  }
}

/**
 * The requested verification engine is not available in this runtime.
 *
 * @example
 * ```ts
 * err instanceof EngineUnavailableError // err.code === 'ENGINE_UNAVAILABLE'
 * ```
 */
export class EngineUnavailableError extends LicenseError {
  constructor(engine: string) {
    super('ENGINE_UNAVAILABLE', `Ed25519 engine "${engine}" is not available in this runtime`)
  }
}

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

  constructor(
    message: string,
    details: { status?: number; serverCode?: string; cause?: unknown } = {},
  ) {
    super('NETWORK_ERROR', message, { cause: details.cause })
    this.status = details.status
    this.serverCode = details.serverCode
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
