import { createCipheriv, randomBytes } from 'node:crypto'
import { canonicalJson } from '@tollgate/license-client/attestation'
import { EnclaveError } from '../errors.js'
import type { AnalysisRules } from '../analysis/types.js'
import { SEALED_MAGIC } from './format.js'

/**
 * A fresh random AES-256-GCM key for a sealed analysis bundle.
 *
 * @example
 * ```ts
 * const key = generateBundleKey() // 32 bytes; give it to the key broker only
 * ```
 */
export function generateBundleKey(): Uint8Array {
  return new Uint8Array(randomBytes(32))
}

/**
 * Seal analysis rules (data, not code) with AES-256-GCM:
 * `TGSEAL1\0 || iv(12) || tag(16) || ciphertext`, the magic bound as AAD.
 *
 * @example
 * ```ts
 * const sealed = sealAnalysisBundle(DEFAULT_RULES, key)
 * ```
 */
export function sealAnalysisBundle(rules: AnalysisRules, key: Uint8Array): Uint8Array {
  if (key.length !== 32)
    throw new EnclaveError('SEALED_BUNDLE_INVALID', 'bundle key must be 32 bytes')
  const iv = randomBytes(12)
  const cipher = createCipheriv('aes-256-gcm', key, iv)
  cipher.setAAD(SEALED_MAGIC)
  const ct = Buffer.concat([cipher.update(canonicalJson(rules), 'utf8'), cipher.final()])
  return new Uint8Array(Buffer.concat([SEALED_MAGIC, iv, cipher.getAuthTag(), ct]))
}
