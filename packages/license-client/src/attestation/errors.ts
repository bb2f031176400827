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
export class AttestationError extends LicenseError {
  /** Stable machine-readable code. */
  declare readonly code: AttestationErrorCode

  constructor(code: AttestationErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options)
    this.name = 'AttestationError'
  }
}
