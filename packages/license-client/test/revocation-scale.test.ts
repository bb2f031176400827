import { describe, expect, it } from 'vitest'
import {
  applyRevocationDelta,
  decideState,
  exportPublicJwk,
  generateKeyPair,
  isRevoked,
  KeySet,
  MAX_REVOCATION_LIST_LENGTH,
  signRevocationDelta,
  signLicense,
  signRevocationList,
  verifyLicense,
  verifyRevocationDelta,
  verifyRevocationList,
} from '@tollgate/license-client'
import { sampleClaims } from './helpers.js'

const key = generateKeyPair()
const keys = KeySet.from([exportPublicJwk(key.publicKey, key.kid)])
const NEXT = new Date(Date.now() + 3600_000)
/** License ids shaped like the server's (`lic_` + 26 characters). */
const id = (i: number) => `lic_${i.toString(36).padStart(26, '0')}`

describe('revocation lists at scale', () => {
  it(
    'a list of one million ids signs, verifies and decides (no size cliff below the documented limit)',
    { timeout: 120_000 },
    () => {
      const revoked = Array.from({ length: 1_000_000 }, (_, i) => id(i))
      const jws = signRevocationList(
        { issuer: 'ten_vendor', revoked, suspended: [], nextUpdate: NEXT, version: 7 },
        key,
      )
      expect(jws.length).toBeGreaterThan(4 * 1024 * 1024) // past the old 4 MiB cliff
      expect(jws.length).toBeLessThan(MAX_REVOCATION_LIST_LENGTH)
      const list = verifyRevocationList(jws, keys)
      expect(list.ver).toBe(7)
      expect(isRevoked(list, id(999_999))).toBe(true)
      expect(isRevoked(list, id(1_000_000))).toBe(false)
      const { claims } = verifyLicense(
        signLicense(sampleClaims({ licenseId: id(123_456) }), key),
        keys,
        {
          ignoreExpiry: true,
        },
      )
      const state = decideState({
        claims,
        lease: null,
        revocations: list,
        trustedTime: 0,
        now: Date.parse('2026-06-01T00:00:00Z'),
        deploymentId: 'd',
        serverConfigured: false,
        clockToleranceS: 3600,
      })
      expect(state.code).toBe('revoked')
    },
  )

  it('a delta moves ids between statuses and refuses a list of another version or issuer', () => {
    const list = verifyRevocationList(
      signRevocationList(
        { issuer: 'ten_1', revoked: [id(1)], suspended: [id(2)], nextUpdate: NEXT, version: 3 },
        key,
      ),
      keys,
    )
    const delta = verifyRevocationDelta(
      signRevocationDelta(
        {
          issuer: 'ten_1',
          since: 3,
          version: 5,
          revoked: [id(2)],
          suspended: [id(3)],
          cleared: [id(1)],
          nextUpdate: NEXT,
        },
        key,
      ),
      keys,
    )
    const next = applyRevocationDelta(list, delta)
    expect(next).toMatchObject({ ver: 5, revoked: [id(2)], suspended: [id(3)], iss: 'ten_1' })
    expect(() => applyRevocationDelta({ ...list, ver: 4 }, delta)).toThrow(/version/)
    expect(() => applyRevocationDelta({ ...list, iss: 'ten_2' }, delta)).toThrow(/issuer/)
    // A delta never passes as a list, nor a list as a delta.
    const deltaJws = signRevocationDelta(
      { since: 0, version: 1, revoked: [], suspended: [], cleared: [], nextUpdate: NEXT },
      key,
    )
    expect(() => verifyRevocationList(deltaJws, keys)).toThrow()
    expect(() =>
      verifyRevocationDelta(
        signRevocationList({ revoked: [], suspended: [], nextUpdate: NEXT }, key),
        keys,
      ),
    ).toThrow()
  })
})
