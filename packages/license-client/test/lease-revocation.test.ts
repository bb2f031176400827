import { describe, expect, it } from 'vitest'
import {
  KeySet,
  LicenseError,
  exportPublicJwk,
  generateKeyPair,
  signLease,
  signLicense,
  signRevocationList,
  verifyLease,
  verifyRevocationList,
} from '@tollgate/license-client'
import { sampleClaims } from './helpers.js'

const pair = generateKeyPair()
const keys = KeySet.from([exportPublicJwk(pair.publicKey, pair.kid)])
const serverTime = new Date('2026-06-01T00:00:00Z')
const lease = signLease(
  {
    licenseId: 'lic_1',
    deploymentId: 'dep_1',
    status: 'revoked',
    serverTime,
    validUntil: new Date('2026-07-01T00:00:00Z'),
  },
  pair,
)
const list = signRevocationList(
  {
    issuer: 'ten_1',
    revoked: ['lic_1', 'lic_2'],
    suspended: ['lic_3'],
    issuedAt: serverTime,
    nextUpdate: new Date('2026-06-02T00:00:00Z'),
  },
  pair,
)

function codeOf(fn: () => unknown): string {
  try {
    fn()
    return 'OK'
  } catch (err) {
    expect(err).toBeInstanceOf(LicenseError)
    return (err as LicenseError).code
  }
}

describe('leases and revocation lists', () => {
  it('round-trip on both engines', () => {
    for (const engine of ['native', 'tweetnacl'] as const) {
      expect(verifyLease(lease, keys, { engine })).toEqual({
        typ: 'lease',
        lid: 'lic_1',
        deployment: 'dep_1',
        status: 'revoked',
        serverTime: serverTime.getTime() / 1000,
        validUntil: new Date('2026-07-01T00:00:00Z').getTime() / 1000,
        iat: serverTime.getTime() / 1000,
      })
      expect(verifyRevocationList(list, keys, { engine })).toMatchObject({
        typ: 'revocations',
        iss: 'ten_1',
        revoked: ['lic_1', 'lic_2'],
        suspended: ['lic_3'],
      })
    }
  })

  for (const [name, jws, verify] of [
    ['lease', lease, verifyLease],
    ['revocation list', list, verifyRevocationList],
  ] as const) {
    it(`a ${name} with any byte edited fails verification`, () => {
      for (let i = 0; i < jws.length; i++) {
        for (const ch of ['A', '_', '.']) {
          if (jws[i] === ch) continue
          const edited = jws.slice(0, i) + ch + jws.slice(i + 1)
          const code = codeOf(() => verify(edited, keys))
          // Some edits only touch base64url padding bits, which strict decoding refuses too.
          expect(code, `edit at ${i}`).not.toBe('OK')
        }
      }
    })
  }

  it('types do not cross: a lease is not a revocation list, a license is neither', () => {
    expect(codeOf(() => verifyRevocationList(lease, keys))).toBe('WRONG_TYPE')
    expect(codeOf(() => verifyLease(list, keys))).toBe('WRONG_TYPE')
    const token = signLicense(sampleClaims(), pair)
    const inner = token.slice(token.indexOf('-') + 1, token.lastIndexOf('-'))
    expect(codeOf(() => verifyLease(inner, keys))).toBe('WRONG_TYPE')
  })

  it('unknown signer is UNKNOWN_KEY', () => {
    const other = generateKeyPair()
    const foreign = signLease(
      { licenseId: 'l', deploymentId: 'd', status: 'active', validUntil: new Date() },
      other,
    )
    expect(codeOf(() => verifyLease(foreign, keys))).toBe('UNKNOWN_KEY')
  })
})
