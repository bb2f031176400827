import { createDecipheriv } from 'node:crypto'
import { EnclaveError } from '../errors.js'
import type { AnalysisRules } from '../analysis/types.js'
import { SEALED_MAGIC } from './format.js'

/**
 * Decrypt and authenticate a sealed analysis bundle. Runs inside the worker, with the key
 * the broker released to it.
 *
 * @example
 * ```ts
 * const rules = openAnalysisBundle(sealed, key)
 * ```
 */
export function openAnalysisBundle(sealed: Uint8Array, key: Uint8Array): AnalysisRules {
  const buf = Buffer.from(sealed)
  const head = SEALED_MAGIC.length
  if (buf.length < head + 28 || !buf.subarray(0, head).equals(SEALED_MAGIC)) {
    throw new EnclaveError('SEALED_BUNDLE_INVALID', 'not a sealed analysis bundle')
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, buf.subarray(head, head + 12))
    decipher.setAAD(SEALED_MAGIC)
    decipher.setAuthTag(buf.subarray(head + 12, head + 28))
    const text = Buffer.concat([
      decipher.update(buf.subarray(head + 28)),
      decipher.final(),
    ]).toString('utf8')
    return JSON.parse(text) as AnalysisRules
  } catch (cause) {
    throw new EnclaveError('SEALED_BUNDLE_INVALID', 'sealed bundle failed authentication', {
      cause,
    })
  }
}
