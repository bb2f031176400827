/**
 * Verifier for attested analysis results from the Tollgate enclave runner, and for AWS Nitro
 * Enclaves attestation documents in general. No dependencies beyond node:crypto.
 *
 * @example
 * ```ts
 * import { verifyAnalysisResult } from '@tollgate/license-client/attestation'
 * ```
 * @packageDocumentation
 */
export { verifyAttestationDocument } from './verify-attestation-document.js'
export { verifyAnalysisResult } from './verify-analysis-result.js'
export { decodeAttestationDocument } from './decode-attestation-document.js'
export { computeCodeHash } from './compute-code-hash.js'
export { canonicalJson } from './lib/canonical-json.js'
export { AWS_NITRO_ROOT_G1_SHA256 } from './lib/chain.js'
export { AttestationError } from './errors.js'
export type { AttestationErrorCode } from './errors.js'
export type {
  AnalysisResultPayload,
  AttestationDocument,
  PcrSet,
  SignedAnalysisResult,
  TrustedRoot,
  VerifiedAnalysisResult,
  VerifyAnalysisResultOptions,
  VerifyAttestationOptions,
} from './types.js'
