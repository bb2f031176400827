import { createHash, type KeyObject } from 'node:crypto'
import { InvalidKeyError } from '../errors.js'
import type { PrivateJwk, PublicJwk } from './types.js'

function assertEd25519(key: KeyObject): void {
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new InvalidKeyError(`Expected an Ed25519 key, got ${String(key.asymmetricKeyType)}`)
  }
}

/**
 * Exports the public half of an Ed25519 key (public or private KeyObject) as a JWK.
 *
 * @example
 * ```ts
 * const { publicKey, kid } = generateKeyPair()
 * const jwks = { keys: [exportPublicJwk(publicKey, kid)] }
 * ```
 */
export function exportPublicJwk(key: KeyObject, kid: string): PublicJwk {
  assertEd25519(key)
  const jwk = key.export({ format: 'jwk' })
  if (typeof jwk.x !== 'string') throw new InvalidKeyError('Key has no public component')
  return { kty: 'OKP', crv: 'Ed25519', x: jwk.x, kid, alg: 'EdDSA', use: 'sig' }
}

/**
 * Exports a private Ed25519 key as a JWK (contains the secret seed `d`: store it encrypted).
 *
 * @example
 * ```ts
 * const jwk = exportPrivateJwk(pair.privateKey, pair.kid)
 * ```
 */
export function exportPrivateJwk(key: KeyObject, kid: string): PrivateJwk {
  assertEd25519(key)
  if (key.type !== 'private') throw new InvalidKeyError('Expected a private key')
  const jwk = key.export({ format: 'jwk' })
  if (typeof jwk.x !== 'string' || typeof jwk.d !== 'string') {
    throw new InvalidKeyError('Key export lacks x or d')
  }
  return { kty: 'OKP', crv: 'Ed25519', x: jwk.x, d: jwk.d, kid, alg: 'EdDSA', use: 'sig' }
}

/**
 * Exports a key as PEM: SPKI for a public key, PKCS#8 for a private key.
 *
 * @example
 * ```ts
 * fs.writeFileSync('signing.pem', exportPem(pair.privateKey), { mode: 0o600 })
 * ```
 */
export function exportPem(key: KeyObject): string {
  assertEd25519(key)
  return key.type === 'private'
    ? key.export({ format: 'pem', type: 'pkcs8' }).toString()
    : key.export({ format: 'pem', type: 'spki' }).toString()
}

/**
 * RFC 7638 JWK thumbprint (SHA-256, base64url) of an Ed25519 public key: a stable default `kid`.
 *
 * @example
 * ```ts
 * const kid = jwkThumbprint(publicKey)
 * ```
 */
export function jwkThumbprint(key: KeyObject): string {
  const { x } = exportPublicJwk(key, '')
  // Members in lexicographic order, no whitespace, as RFC 7638 §3.2 requires.
  const canonical = `{"crv":"Ed25519","kty":"OKP","x":"${x}"}`
  return createHash('sha256').update(canonical).digest('base64url')
}
