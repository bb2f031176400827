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

import { LicenseError } from './lib/license-error.js'

export { LicenseError, type LicenseErrorCode } from './lib/license-error.js'

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

export {
  FeatureNotEntitledError,
  LicenseNotValidError,
  LimitExceededError,
  StorageError,
  NetworkError,
  ConfigInvalidError,
  UsageInvalidError,
} from './client/client-errors.js'
export { UserLimitReachedError } from './client/named-users.js'

export { SeatsExhaustedError, SeatRefusedError } from './client/seats/seat-errors.js'
