import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto'
import { InvalidKeyError } from '../errors.js'
import type { PrivateJwk, PublicJwk } from './types.js'

function checked(key: KeyObject): KeyObject {
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new InvalidKeyError(`Expected an Ed25519 key, got ${String(key.asymmetricKeyType)}`)
  }
  return key
}

/**
 * Imports an Ed25519 key from PEM (SPKI public or PKCS#8 private).
 *
 * @example
 * ```ts
 * const privateKey = importPem(fs.readFileSync('signing.pem', 'utf8'))
 * ```
 */
export function importPem(pem: string): KeyObject {
  try {
    return checked(
      pem.includes('PRIVATE KEY')
        ? createPrivateKey({ key: pem, format: 'pem' })
        : createPublicKey(pem),
    )
  } catch (cause) {
    if (cause instanceof InvalidKeyError) throw cause
    throw new InvalidKeyError('Not a valid Ed25519 PEM key', { cause })
  }
}

/**
 * Imports an Ed25519 key from a JWK: private when it has `d`, else public.
 *
 * @example
 * ```ts
 * const publicKey = importJwk(jwks.keys[0])
 * ```
 */
export function importJwk(jwk: PublicJwk | PrivateJwk): KeyObject {
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') {
    throw new InvalidKeyError('Expected an OKP/Ed25519 JWK')
  }
  const { kty, crv, x } = jwk
  try {
    return 'd' in jwk && typeof jwk.d === 'string'
      ? checked(createPrivateKey({ key: { kty, crv, x, d: jwk.d }, format: 'jwk' }))
      : checked(createPublicKey({ key: { kty, crv, x }, format: 'jwk' }))
  } catch (cause) {
    if (cause instanceof InvalidKeyError) throw cause
    throw new InvalidKeyError('Not a valid Ed25519 JWK', { cause })
  }
}
