import { LicenseError } from '../errors.js'

/** Every code an {@link AttestationError} can carry; one per way a check can fail. */
export type AttestationErrorCode =
  | 'ATTESTATION_MALFORMED'
  | 'ATTESTATION_UNSUPPORTED_ALG'
  | 'ATTESTATION_BAD_SIGNATURE'
  | 'ATTESTATION_BAD_CHAIN'
  | 'ATTESTATION_UNTRUSTED_ROOT'
  | 'ATTESTATION_STALE'
  | 'EMULATED_NOT_ALLOWED'
  | 'PCR_MISMATCH'
  | 'NONCE_MISMATCH'
  | 'RESULT_MALFORMED'
  | 'RESULT_BAD_SIGNATURE'
  | 'CODE_HASH_MISMATCH'

// LicenseError's constructor is typed to its own code union; attestation codes are a separate
// union, so the base is viewed through a wider constructor type. At runtime this is a plain
// subclass: `err instanceof LicenseError` holds.
const Base = LicenseError as unknown as new (
  code: string,
  message: string,
  options?: { cause?: unknown },
) => Error

/**
 * Raised when an attestation document or an attested analysis result fails verification.
 *
 * @example
 * ```ts
 * try {
 *   verifyAnalysisResult(signed, { bytecode, nonce, allowedPcrs, trustedRoots })
 * } catch (err) {
 *   if (err instanceof AttestationError && err.code === 'PCR_MISMATCH') console.error('unknown runner build')
 * }
 * ```
 */
export class AttestationError extends Base {
  /** Stable machine-readable code. */
  readonly code: AttestationErrorCode

  constructor(code: AttestationErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options)
    this.name = 'AttestationError'
    this.code = code
  }
}
