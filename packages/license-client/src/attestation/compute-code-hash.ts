import { createHash } from 'node:crypto'
import { AttestationError } from './errors.js'
import { bytecodeBytes } from './lib/bytes.js'

/**
 * The `codeHash` of an analysis result: `sha256:` + hex SHA-256 of the bytecode bytes
 * (hex input is decoded first, so `0xAB` and `ab` hash the same).
 *
 * @example
 * ```ts
 * computeCodeHash('0x6080') // 'sha256:…'
 * ```
 */
export function computeCodeHash(bytecode: string | Uint8Array): string {
  const bytes = bytecodeBytes(bytecode)
  if (!bytes)
    throw new AttestationError(
      'RESULT_MALFORMED',
      'bytecode must be a non-empty, even-length hex string',
    )
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`
}
