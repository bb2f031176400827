import { LicenseError } from '../lib/license-error.js'
import type { AttestationErrorCode } from './error-codes.js'

export type { AttestationErrorCode } from './error-codes.js'

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
