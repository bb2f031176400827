import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  KeySet,
  LicenseError,
  exportPublicJwk,
  generateKeyPair,
  signLicense,
  verifyLicense,
} from '@tollgate/license-client'
import { crc32Hex } from '../src/lib/crc32.js'
import { DURING, sampleClaims } from './helpers.js'

const pair = generateKeyPair()
const keys = KeySet.from([exportPublicJwk(pair.publicKey, pair.kid)])
const token = signLicense(sampleClaims(), pair)
const jws = token.slice(token.indexOf('-') + 1, token.lastIndexOf('-'))

/** Outcome of a verify: 'accepted' or the error code; anything but a LicenseError fails the test. */
function outcome(input: string): string {
  try {
    verifyLicense(input, keys, { now: DURING })
    return 'accepted'
  } catch (err) {
    if (!(err instanceof LicenseError)) throw err
    return err.code
  }
}

const withChecksum = (body: string) => `${body}-${crc32Hex(body)}`

describe('verifyLicense properties', () => {
  it('random strings never throw anything but LicenseError and are never accepted', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 2000, unit: 'binary' }), (s) => {
        expect(outcome(s)).not.toBe('accepted')
        expect(outcome(withChecksum(`TG1-${s}`))).not.toBe('accepted')
      }),
      { numRuns: 2000 },
    )
  })

  it('random JWS-shaped inputs with valid checksums are never accepted', () => {
    const b64 = fc.string({
      unit: fc.constantFrom(...'ABCDEFabcdef0123456789-_'.split('')),
      maxLength: 300,
    })
    fc.assert(
      fc.property(b64, b64, b64, (h, p, s) => {
        expect(outcome(withChecksum(`TG1-${h}.${p}.${s}`))).not.toBe('accepted')
      }),
      { numRuns: 1000 },
    )
  })

  it('mutations of a valid JWS (re-checksummed) are never accepted', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: jws.length - 1 }),
        fc.integer({ min: 1, max: 4 }),
        fc.string({ minLength: 0, maxLength: 8 }),
        (at, del, insert) => {
          const mutated = jws.slice(0, at) + insert + jws.slice(at + del)
          fc.pre(mutated !== jws)
          const result = outcome(withChecksum(`TG1-${mutated}`))
          expect(result).not.toBe('accepted')
        },
      ),
      { numRuns: 3000 },
    )
  })

  it('huge inputs are refused in bounded work (no parse of the body)', () => {
    const huge = 'TG1-' + 'A'.repeat(50_000_000) + '-00000000'
    // Bounded by construction: the length check runs before any scan of the input.
    expect(outcome(huge)).toBe('TOO_LARGE')
    const justUnder = withChecksum('TG1-' + 'A.'.repeat(8_000))
    expect(['MALFORMED', 'BAD_CHECKSUM']).toContain(outcome(justUnder))
  })
})
