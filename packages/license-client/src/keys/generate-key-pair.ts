import { generateKeyPairSync } from 'node:crypto'
import { jwkThumbprint } from './export-key.js'
import type { Ed25519KeyPair } from './types.js'

/**
 * Generates an Ed25519 signing key pair.
 *
 * @param kid - key id; defaults to the RFC 7638 thumbprint of the public key.
 * @example
 * ```ts
 * const pair = generateKeyPair()
 * const token = signLicense(claims, pair)
 * ```
 */
export function generateKeyPair(kid?: string): Ed25519KeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519')
  return { kid: kid ?? jwkThumbprint(publicKey), publicKey, privateKey }
}
