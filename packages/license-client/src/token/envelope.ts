import { BadChecksumError, MalformedError, TooLargeError } from '../errors.js'
import { crc32Hex } from '../lib/crc32.js'
import { MAX_TOKEN_LENGTH } from './types.js'

const PREFIX = /^[A-Z][A-Z0-9_]{0,15}$/
const CHECKSUM = /^[0-9a-f]{8}$/

/** Wraps a JWS as `PREFIX-<jws>-<crc32>`. */
export function wrapToken(prefix: string, jws: string): string {
  if (!PREFIX.test(prefix)) {
    throw new MalformedError('Prefix must be 1-16 of A-Z, 0-9, _ and start with a letter')
  }
  const body = `${prefix}-${jws}`
  return `${body}-${crc32Hex(body)}`
}

/**
 * Splits a license key at the first and last `-` and checks the checksum, before any crypto:
 * a mistyped or truncated key is told apart (BAD_CHECKSUM) from a forged one (BAD_SIGNATURE).
 */
export function unwrapToken(token: string): { prefix: string; jws: string } {
  if (typeof token !== 'string') throw new MalformedError('License key must be a string')
  if (token.length > MAX_TOKEN_LENGTH) throw new TooLargeError(token.length, MAX_TOKEN_LENGTH)
  // Pasted keys often carry whitespace or line breaks; those are never part of the alphabet.
  const key = token.trim()
  // The checksum comes first: any edit of the body, separators included, is then reported as
  // a typo (BAD_CHECKSUM) rather than whatever structural damage it happens to cause.
  const last = key.lastIndexOf('-')
  if (last < 0) throw new MalformedError('Expected PREFIX-<jws>-<checksum>')
  const body = key.slice(0, last)
  const checksum = key.slice(last + 1)
  if (!CHECKSUM.test(checksum) || crc32Hex(body) !== checksum) throw new BadChecksumError()
  const first = key.indexOf('-')
  if (first <= 0 || first === last) throw new MalformedError('Expected PREFIX-<jws>-<checksum>')
  const prefix = key.slice(0, first)
  if (!PREFIX.test(prefix)) throw new MalformedError('Invalid license key prefix')
  return { prefix, jws: key.slice(first + 1, last) }
}
