import { sign } from 'node:crypto'
import { Encoder } from 'cbor-x'
import type { AttestationSigner } from './development-ca.js'

// Plain CBOR: maps stay maps (integer keys for COSE headers and PCR indices), byte strings
// stay untagged byte strings, no cbor-x record extensions.
const cbor = new Encoder({
  mapsAsObjects: false,
  useRecords: false,
  tagUint8Array: false,
  variableMapSize: true,
})

const ALG_ES384 = -35

/** What the worker asks to have attested, as in the Nitro NSM `Attestation` request. */
export interface AttestationRequest {
  readonly publicKey?: Uint8Array
  readonly userData?: Uint8Array
  readonly nonce?: Uint8Array
}

function bytes(b: Uint8Array | undefined): Buffer | null {
  return b === undefined ? null : Buffer.from(b)
}

/**
 * Produce an attestation document in the AWS Nitro format: COSE_Sign1 (ES384) over a CBOR
 * map {module_id, digest, timestamp, pcrs, certificate, cabundle, public_key, user_data,
 * nonce}, signed by the launch's leaf key. 16 PCRs, unused ones zero, as Nitro reports them.
 *
 * @example
 * ```ts
 * const doc = signAttestationDocument(signer, moduleId, pcrs, { publicKey, nonce })
 * ```
 */
export function signAttestationDocument(
  signer: AttestationSigner,
  moduleId: string,
  pcrs: ReadonlyMap<number, Uint8Array>,
  request: AttestationRequest,
  now: number = Date.now(),
): Uint8Array {
  const pcrMap = new Map<number, Buffer>()
  for (let i = 0; i < 16; i++) pcrMap.set(i, Buffer.from(pcrs.get(i) ?? new Uint8Array(48)))
  const payload = new Map<string, unknown>([
    ['module_id', moduleId],
    ['digest', 'SHA384'],
    ['timestamp', BigInt(now)], // uint64 as Nitro encodes it (a plain number would become a float)
    ['pcrs', pcrMap],
    ['certificate', Buffer.from(signer.certificate)],
    ['cabundle', signer.cabundle.map((c) => Buffer.from(c))],
    ['public_key', bytes(request.publicKey)],
    ['user_data', bytes(request.userData)],
    ['nonce', bytes(request.nonce)],
  ])
  const protectedBytes = cbor.encode(new Map([[1, ALG_ES384]]))
  const payloadBytes = cbor.encode(payload)
  const toSign = cbor.encode(['Signature1', protectedBytes, Buffer.alloc(0), payloadBytes])
  const signature = sign('sha384', toSign, { key: signer.privateKey, dsaEncoding: 'ieee-p1363' })
  return new Uint8Array(cbor.encode([protectedBytes, new Map(), payloadBytes, signature]))
}
