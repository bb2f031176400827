import { createPublicKey, verify } from 'node:crypto'
import type { KeyObject } from 'node:crypto'
import { AttestationError } from './errors.js'
import { canonicalJson } from './lib/canonical-json.js'
import { computeCodeHash } from './compute-code-hash.js'
import { verifyAttestationDocument } from './verify-attestation-document.js'
import type {
  AnalysisResultPayload,
  SignedAnalysisResult,
  VerifiedAnalysisResult,
  VerifyAnalysisResultOptions,
} from './types.js'

function bad(message: string): never {
  throw new AttestationError('RESULT_MALFORMED', message)
}

function checkShape(signed: unknown): asserts signed is SignedAnalysisResult {
  if (typeof signed !== 'object' || signed === null) bad('signed result must be an object')
  const s = signed as Record<string, unknown>
  if (typeof s.signature !== 'string' || typeof s.attestation !== 'string')
    bad('signature and attestation must be strings')
  const r = s.result as Record<string, unknown> | null | undefined
  if (typeof r !== 'object' || r === null) bad('result must be an object')
  for (const k of ['analysisType', 'codeHash', 'engineVersion', 'licenseId', 'nonce'] as const) {
    if (typeof r[k] !== 'string') bad(`result.${k} must be a string`)
  }
  if (!Array.isArray(r.findings)) bad('result.findings must be an array')
  if (typeof r.timestamp !== 'number' || !Number.isInteger(r.timestamp))
    bad('result.timestamp must be an integer')
}

function ed25519Key(der: Uint8Array | null): KeyObject {
  try {
    if (!der) throw new TypeError('no public_key')
    const key = createPublicKey({ key: Buffer.from(der), format: 'der', type: 'spki' })
    if (key.asymmetricKeyType !== 'ed25519') throw new TypeError('not Ed25519')
    return key
  } catch (cause) {
    throw new AttestationError(
      'ATTESTATION_MALFORMED',
      'attestation public_key must be an Ed25519 SPKI key',
      { cause },
    )
  }
}

/**
 * Verify an attested analysis result end to end: the attestation document (chain to a pinned
 * root, PCR allowlist, the caller's nonce), the Ed25519 signature over the canonical result by
 * the key that document attests, the nonce inside the result, and codeHash recomputed from
 * the bytecode the caller submitted. Throws {@link AttestationError}; returns the result.
 *
 * @example
 * ```ts
 * import { verifyAnalysisResult } from '@tollgate/license-client/attestation'
 * const { result } = verifyAnalysisResult(signed, {
 *   bytecode, nonce, allowedPcrs: [publishedPcrs], trustedRoots: [rootPem], allowEmulated: true,
 * })
 * console.log(result.findings)
 * ```
 */
export function verifyAnalysisResult(
  signed: unknown,
  opts: VerifyAnalysisResultOptions,
): VerifiedAnalysisResult {
  checkShape(signed)
  const docBytes = Buffer.from(signed.attestation, 'base64')
  const attestation = verifyAttestationDocument(docBytes, {
    ...opts,
    allowedPcrs: opts.allowedPcrs,
    nonce: opts.nonce,
  })
  const key = ed25519Key(attestation.publicKey)
  const result: AnalysisResultPayload = signed.result
  const message = Buffer.from(canonicalJson(result), 'utf8')
  const signature = Buffer.from(signed.signature, 'base64url')
  let ok = false
  try {
    ok = signature.length === 64 && verify(null, message, key, signature)
  } catch {
    ok = false
  }
  if (!ok)
    throw new AttestationError(
      'RESULT_BAD_SIGNATURE',
      'result signature does not verify with the attested key',
    )
  if (result.nonce !== opts.nonce)
    throw new AttestationError('NONCE_MISMATCH', 'result nonce does not match the request nonce')
  if (result.codeHash !== computeCodeHash(opts.bytecode)) {
    throw new AttestationError(
      'CODE_HASH_MISMATCH',
      'result is for different bytecode than the one submitted',
    )
  }
  return { result, attestation }
}
