import { createPublicKey } from 'node:crypto'
import { AttestationError } from './errors.js'
import { decodeCbor } from './lib/cbor.js'
import type { CborValue } from './lib/cbor.js'
import { verifyChain } from './lib/chain.js'
import { decodeCoseSign1, verifyCoseSign1 } from './lib/cose.js'
import { timingSafeEqualBytes } from './lib/bytes.js'
import type { AttestationDocument, VerifyAttestationOptions } from './types.js'

function malformed(message: string): never {
  throw new AttestationError('ATTESTATION_MALFORMED', message)
}

function optionalBytes(v: CborValue, name: string, max: number): Uint8Array | null {
  if (v === undefined || v === null) return null
  if (!(v instanceof Uint8Array) || v.length > max)
    malformed(`${name} must be a byte string of at most ${max} bytes`)
  return v
}

export function parsePayload(payload: Uint8Array): Omit<AttestationDocument, 'emulated'> {
  const map = decodeCbor(payload)
  if (!(map instanceof Map)) malformed('attestation payload must be a CBOR map')
  const moduleId = map.get('module_id')
  const digest = map.get('digest')
  const timestamp = map.get('timestamp')
  const pcrsRaw = map.get('pcrs')
  const certificate = map.get('certificate')
  const cabundle = map.get('cabundle')
  if (typeof moduleId !== 'string' || moduleId.length === 0)
    malformed('module_id must be a non-empty text string')
  if (digest !== 'SHA384') malformed('digest must be "SHA384"')
  if (typeof timestamp !== 'number' || !Number.isInteger(timestamp) || timestamp <= 0)
    malformed('timestamp must be a positive integer')
  if (!(pcrsRaw instanceof Map) || pcrsRaw.size < 1 || pcrsRaw.size > 32)
    malformed('pcrs must be a map of 1..32 entries')
  const pcrs: Record<number, string> = {}
  for (const [k, v] of pcrsRaw) {
    if (typeof k !== 'number' || k < 0 || k >= 32) malformed('PCR index must be 0..31')
    if (!(v instanceof Uint8Array) || ![32, 48, 64].includes(v.length))
      malformed('PCR value must be 32, 48 or 64 bytes')
    pcrs[k] = Buffer.from(v).toString('hex')
  }
  if (!(certificate instanceof Uint8Array) || certificate.length === 0)
    malformed('certificate must be a byte string')
  if (
    !Array.isArray(cabundle) ||
    cabundle.length === 0 ||
    !cabundle.every((c) => c instanceof Uint8Array)
  ) {
    malformed('cabundle must be a non-empty array of byte strings')
  }
  return {
    moduleId,
    digest,
    timestamp,
    pcrs,
    certificate,
    cabundle,
    publicKey: optionalBytes(map.get('public_key'), 'public_key', 1024),
    userData: optionalBytes(map.get('user_data'), 'user_data', 512),
    nonce: optionalBytes(map.get('nonce'), 'nonce', 512),
  }
}

/**
 * Verify an AWS Nitro Enclaves attestation document (COSE_Sign1 / ES384, CBOR payload):
 * certificate chain to a pinned root, the document signature by the leaf, then (when asked)
 * freshness, PCRs against an allowlist and the nonce. The emulated development CA is refused
 * unless `allowEmulated` is set. Throws {@link AttestationError}.
 *
 * @example
 * ```ts
 * const doc = verifyAttestationDocument(bytes, { trustedRoots: [rootPem], allowEmulated: true, allowedPcrs: [pcrs], nonce })
 * doc.publicKey // the key the enclave attested
 * ```
 */
export function verifyAttestationDocument(
  bytes: Uint8Array,
  opts: VerifyAttestationOptions = {},
): AttestationDocument {
  const cose = decodeCoseSign1(bytes)
  const doc = parsePayload(cose.payload)
  const now = opts.now === undefined ? new Date(doc.timestamp) : new Date(opts.now)
  const chain = verifyChain(doc.cabundle, doc.certificate, {
    trustedRoots: opts.trustedRoots ?? [],
    allowEmulated: opts.allowEmulated === true,
    at: now,
  })
  const leaf = chain[chain.length - 1]
  if (!leaf) malformed('empty chain')
  const leafKey = createPublicKey(leaf.publicKey.export({ format: 'pem', type: 'spki' }))
  if (
    leafKey.asymmetricKeyType !== 'ec' ||
    leafKey.asymmetricKeyDetails?.namedCurve !== 'secp384r1'
  ) {
    throw new AttestationError('ATTESTATION_UNSUPPORTED_ALG', 'leaf certificate key must be P-384')
  }
  if (!verifyCoseSign1(cose, leafKey))
    throw new AttestationError(
      'ATTESTATION_BAD_SIGNATURE',
      'attestation signature does not verify with the leaf certificate',
    )
  if (opts.maxAgeMs !== undefined && Math.abs(now.getTime() - doc.timestamp) > opts.maxAgeMs) {
    throw new AttestationError(
      'ATTESTATION_STALE',
      'attestation document is too old (or dated in the future)',
    )
  }
  if (opts.allowedPcrs !== undefined) {
    const ok = opts.allowedPcrs.some((set) =>
      Object.entries(set).every(([i, hex]) => doc.pcrs[Number(i)] === hex.toLowerCase()),
    )
    if (!ok) throw new AttestationError('PCR_MISMATCH', 'PCR measurements are not on the allowlist')
  }
  if (opts.nonce !== undefined) {
    const want = typeof opts.nonce === 'string' ? new TextEncoder().encode(opts.nonce) : opts.nonce
    if (!doc.nonce || !timingSafeEqualBytes(doc.nonce, want))
      throw new AttestationError(
        'NONCE_MISMATCH',
        'attestation nonce does not match the request nonce',
      )
  }
  return { ...doc, emulated: chain.some((c) => /emulated/i.test(c.subject)) }
}
