import { createPublicKey, verify as nodeVerify, type KeyObject } from 'node:crypto'
import nacl from 'tweetnacl'
import { EngineUnavailableError } from '../errors.js'
import { isCanonicalS } from './scalar.js'

/** Which Ed25519 implementation verifies signatures. `auto` = native when available. */
export type Ed25519Engine = 'auto' | 'native' | 'tweetnacl'

/** A public key prepared for both engines: raw bytes for tweetnacl, a KeyObject for node:crypto. */
export interface PreparedPublicKey {
  readonly raw: Uint8Array
  readonly native: KeyObject | undefined
}

let nativeAvailable: boolean | undefined

/** Detects native Ed25519 once (some runtimes and FIPS builds lack it). */
export function hasNativeEd25519(): boolean {
  if (nativeAvailable === undefined) {
    try {
      const k = createPublicKey({
        key: { kty: 'OKP', crv: 'Ed25519', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' },
        format: 'jwk',
      })
      nativeAvailable = k.asymmetricKeyType === 'ed25519'
    } catch {
      nativeAvailable = false
    }
  }
  return nativeAvailable
}

/** Parses a raw 32-byte key once for both engines. */
export function preparePublicKey(raw: Uint8Array): PreparedPublicKey {
  let native: KeyObject | undefined
  if (hasNativeEd25519()) {
    try {
      native = createPublicKey({
        key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(raw).toString('base64url') },
        format: 'jwk',
      })
    } catch {
      native = undefined // e.g. a point OpenSSL refuses to decode; tweetnacl will reject it too
    }
  }
  return { raw, native }
}

function resolveEngine(engine: Ed25519Engine): 'native' | 'tweetnacl' {
  if (engine === 'tweetnacl') return 'tweetnacl'
  if (hasNativeEd25519()) return 'native'
  if (engine === 'native') throw new EngineUnavailableError('native')
  return 'tweetnacl'
}

/**
 * Verifies a detached Ed25519 signature. Both engines reject non-canonical S (S >= L) first, so
 * they agree on every Wycheproof vector.
 */
export function verifyEd25519(
  message: Uint8Array,
  signature: Uint8Array,
  key: PreparedPublicKey,
  engine: Ed25519Engine = 'auto',
): boolean {
  if (signature.length !== 64 || key.raw.length !== 32 || !isCanonicalS(signature)) return false
  if (resolveEngine(engine) === 'native') {
    if (key.native === undefined) return false
    try {
      return nodeVerify(null, message, key.native, signature)
    } catch {
      return false
    }
  }
  try {
    return nacl.sign.detached.verify(message, signature, key.raw)
  } catch {
    return false
  }
}
