import { createHash } from 'node:crypto'

const ZERO = Buffer.alloc(48)

/** SHA-384 of some bytes. */
export function sha384(data: Uint8Array | string): Buffer {
  return createHash('sha384').update(data).digest()
}

/**
 * PCR-style measurement, as a TPM / Nitro PCR is extended once from zero:
 * PCR = SHA-384(0^48 || SHA-384(content)).
 */
export function measure(content: Uint8Array | string): Buffer {
  return createHash('sha384').update(ZERO).update(sha384(content)).digest()
}
