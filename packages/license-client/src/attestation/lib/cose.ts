import { verify } from 'node:crypto'
import type { KeyObject } from 'node:crypto'
import { AttestationError } from '../errors.js'
import { decodeCbor, encodeCbor } from './cbor.js'
import type { CborValue } from './cbor.js'

const COSE_SIGN1_TAG = 18
const ALG_ES384 = -35

/** The four parts of a COSE_Sign1 structure (RFC 9052 §4.2). */
export interface CoseSign1 {
  readonly protectedBytes: Uint8Array
  readonly payload: Uint8Array
  readonly signature: Uint8Array
}

/** Parse a COSE_Sign1 (tagged 18 or untagged, as Nitro emits) and require alg ES384. */
export function decodeCoseSign1(bytes: Uint8Array): CoseSign1 {
  let value: CborValue = decodeCbor(bytes)
  if (value !== null && typeof value === 'object' && 'tag' in value) {
    if (value.tag !== COSE_SIGN1_TAG)
      throw new AttestationError('ATTESTATION_MALFORMED', `unexpected CBOR tag ${value.tag}`)
    value = value.value
  }
  if (!Array.isArray(value) || value.length !== 4)
    throw new AttestationError('ATTESTATION_MALFORMED', 'COSE_Sign1 must be a 4-element array')
  const [protectedBytes, unprotected, payload, signature] = value
  if (
    !(protectedBytes instanceof Uint8Array) ||
    !(payload instanceof Uint8Array) ||
    !(signature instanceof Uint8Array) ||
    !(unprotected instanceof Map)
  ) {
    throw new AttestationError('ATTESTATION_MALFORMED', 'COSE_Sign1 fields have the wrong types')
  }
  const header =
    protectedBytes.length === 0 ? new Map<CborValue, CborValue>() : decodeCbor(protectedBytes)
  if (!(header instanceof Map))
    throw new AttestationError('ATTESTATION_MALFORMED', 'COSE protected header must be a map')
  // alg may only come from the protected header, so it is covered by the signature.
  if (header.get(1) !== ALG_ES384)
    throw new AttestationError(
      'ATTESTATION_UNSUPPORTED_ALG',
      'attestation must be signed with ES384 (COSE alg -35)',
    )
  if (signature.length !== 96)
    throw new AttestationError('ATTESTATION_MALFORMED', 'ES384 signature must be 96 bytes (r || s)')
  return { protectedBytes, payload, signature }
}

/** Sig_structure for COSE_Sign1: ["Signature1", protected, external_aad = h'', payload]. */
export function sigStructure(protectedBytes: Uint8Array, payload: Uint8Array): Uint8Array {
  return encodeCbor(['Signature1', protectedBytes, new Uint8Array(0), payload])
}

/** Check the ES384 signature of a COSE_Sign1 against a P-384 public key. */
export function verifyCoseSign1(cose: CoseSign1, key: KeyObject): boolean {
  const data = sigStructure(cose.protectedBytes, cose.payload)
  try {
    return verify('sha384', data, { key, dsaEncoding: 'ieee-p1363' }, cose.signature)
  } catch {
    return false
  }
}
