// The attestation error codes, alone in a module so the base error class can name them
// without importing the attestation errors (no import cycle between chunks).

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
