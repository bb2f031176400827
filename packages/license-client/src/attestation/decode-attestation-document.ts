import { decodeCoseSign1 } from './lib/cose.js'
import { parsePayload } from './verify-attestation-document.js'
import type { AttestationDocument } from './types.js'

/**
 * Decode an attestation document WITHOUT verifying anything (inspection only, like
 * `decodeLicense`): for display, or for an enclave reading back its own PCRs.
 *
 * @example
 * ```ts
 * decodeAttestationDocument(bytes).pcrs[0] // hex of PCR0
 * ```
 */
export function decodeAttestationDocument(
  bytes: Uint8Array,
): Omit<AttestationDocument, 'emulated'> {
  return parsePayload(decodeCoseSign1(bytes).payload)
}
