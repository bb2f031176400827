// The base error class and the code union, alone in a module so every error family (codec,
// client runtime, attestation) can extend it without import cycles through ../errors.ts.
import type { AttestationErrorCode } from '../attestation/error-codes.js'

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
  | 'USAGE_INVALID'
  // offline activation (issue 18)
  | 'ACTIVATION_REQUEST_INVALID'
  | 'MACHINE_FILE_REFUSED'
  | 'DEACTIVATION_PROOF_INVALID'
  | 'USER_LIMIT_REACHED'
  // floating seats (issue 18)
  | 'SEATS_EXHAUSTED'
  | 'SEAT_REFUSED'
  // air-gapped floating relay (issue 18)
  | 'POOL_INVALID'
  | 'POOL_EXPIRED'
  | 'RELAY_LEASE_INVALID'
  | 'RELAY_REQUEST_INVALID'
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
