import { sha256Hex } from '../lib/hash.js'
import { randomString } from '../lib/ids.js'

const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789'

/**
 * Ten single-use recovery codes (`xxxxx-xxxxx`) and their SHA-256 hashes (what is stored).
 *
 * @example
 * ```ts
 * const { codes, hashes } = newRecoveryCodes()
 * ```
 */
export function newRecoveryCodes(): { codes: string[]; hashes: string[] } {
  const codes = Array.from({ length: 10 }, () => {
    const raw = randomString(10, ALPHABET)
    return `${raw.slice(0, 5)}-${raw.slice(5)}`
  })
  return { codes, hashes: codes.map(hashRecoveryCode) }
}

/** The stored form of a recovery code (case and dashes do not matter). */
export function hashRecoveryCode(code: string): string {
  return sha256Hex(`recovery:${code.toLowerCase().replace(/[^a-z0-9]/g, '')}`)
}
