import { describe, expect, it } from 'vitest'
import {
  KeySet,
  LicenseError,
  exportPem,
  exportPrivateJwk,
  exportPublicJwk,
  generateKeyPair,
  importJwk,
  importPem,
  signLicense,
  signLease,
  verifyLicense,
  decodeLicense,
  type LicenseErrorCode,
} from '@tollgate/license-client'
import { crc32Hex } from '../src/lib/crc32.js'
import { DAY, DURING, sampleClaims } from './helpers.js'

const pair = generateKeyPair()
const keys = KeySet.from([exportPublicJwk(pair.publicKey, pair.kid)])
const token = signLicense(sampleClaims(), pair)

function codeOf(fn: () => unknown): LicenseErrorCode | 'OK' {
  try {
    fn()
    return 'OK'
  } catch (err) {
    expect(err).toBeInstanceOf(LicenseError)
    return (err as LicenseError).code
  }
}

/** Re-wraps an edited JWS with a fresh checksum: a forgery rather than a typo. */
function rewrap(jws: string, prefix = 'TG1'): string {
  const body = `${prefix}-${jws}`
  return `${body}-${crc32Hex(body)}`
}
const innerJws = token.slice(token.indexOf('-') + 1, token.lastIndexOf('-'))

describe('signLicense / verifyLicense', () => {
  it('round-trips claims on both engines', () => {
    for (const engine of ['native', 'tweetnacl'] as const) {
      const license = verifyLicense(token, keys, { now: DURING, engine })
      expect(license.id).toBe('lic_01HZX3')
      expect(license.kid).toBe(pair.kid)
      expect(license.prefix).toBe('TG1')
      expect(license.claims).toMatchObject({ sub: 'cus_42', tier: 'pro', iss: 'ten_vendor', v: 1 })
      expect(license.hasFeature('sso')).toBe(true)
      expect(license.hasFeature('nope')).toBe(false)
      expect(license.limit('users')).toBe(50)
      expect(license.limit('unset')).toBeUndefined()
      expect(license.expiresAt?.toISOString()).toBe('2027-01-01T00:00:00.000Z')
    }
  })

  it('has the documented shape PREFIX-<jws>-<8 hex>', () => {
    expect(token).toMatch(/^TG1-[\w-]+\.[\w-]+\.[\w-]+-[0-9a-f]{8}$/)
    expect(signLicense(sampleClaims(), pair, { prefix: 'ACME2' })).toMatch(/^ACME2-/)
    expect(codeOf(() => signLicense(sampleClaims(), pair, { prefix: 'bad-prefix' }))).toBe(
      'MALFORMED',
    )
  })

  it('accepts surrounding whitespace from a paste', () => {
    expect(verifyLicense(`  ${token}\n`, keys, { now: DURING }).id).toBe('lic_01HZX3')
  })

  it('checks nbf and exp with a clock tolerance, and can ignore them', () => {
    const nbf = new Date('2026-01-01T00:00:00Z').getTime()
    expect(codeOf(() => verifyLicense(token, keys, { now: nbf - 120_000 }))).toBe('NOT_YET_VALID')
    expect(codeOf(() => verifyLicense(token, keys, { now: nbf - 30_000 }))).toBe('OK')
    const exp = new Date('2027-01-01T00:00:00Z').getTime()
    expect(codeOf(() => verifyLicense(token, keys, { now: exp + 120_000 }))).toBe('EXPIRED')
    expect(
      codeOf(() => verifyLicense(token, keys, { now: exp + 30 * DAY, ignoreExpiry: true })),
    ).toBe('OK')
    expect(
      codeOf(() => verifyLicense(token, keys, { now: nbf - DAY, ignoreNotBefore: true })),
    ).toBe('OK')
  })

  it('perpetual licenses have no exp', () => {
    const perpetual = signLicense(sampleClaims({ expiresAt: null }), pair)
    const license = verifyLicense(perpetual, keys, { now: new Date('2099-01-01') })
    expect(license.expiresAt).toBeNull()
    expect(license.claims.exp).toBeUndefined()
  })

  it('node lock is carried as `deployment`', () => {
    const locked = signLicense(sampleClaims({ deploymentId: 'dep_abc' }), pair)
    expect(verifyLicense(locked, keys, { now: DURING }).claims.deployment).toBe('dep_abc')
  })

  it('decodeLicense reads claims without verifying', () => {
    expect(decodeLicense(token).claims.lid).toBe('lic_01HZX3')
    expect(decodeLicense(token).header).toMatchObject({ alg: 'EdDSA', kid: pair.kid })
  })

  it('decodeLicense refuses a header or payload that is JSON but no object (null, [], 42)', () => {
    const b64 = (s: string) => Buffer.from(s).toString('base64url')
    const wrap = (jws: string) => `TG1-${jws}-${crc32Hex(`TG1-${jws}`)}`
    const header = b64(JSON.stringify({ alg: 'EdDSA', kid: pair.kid, typ: 'x' }))
    for (const [h, p] of [
      [b64('null'), b64('null')],
      [header, b64('null')],
      [b64('null'), b64('{"iss":"ten_x"}')],
      [header, b64('[]')],
      [header, b64('42')],
      [b64('"str"'), b64('{}')],
    ]) {
      const key = wrap(`${h}.${p}.AAAA`)
      expect(
        codeOf(() => decodeLicense(key)),
        key,
      ).toBe('MALFORMED')
      expect(
        codeOf(() => verifyLicense(key, keys, { now: DURING })),
        key,
      ).not.toBe('OK')
    }
  })
})

describe('tampering', () => {
  it('every single-byte edit anywhere is rejected with the right code', () => {
    const alphabet = 'Aa0-_.x='
    let tried = 0
    for (let i = 0; i < token.length; i++) {
      for (const ch of alphabet) {
        if (token[i] === ch) continue
        const edited = token.slice(0, i) + ch + token.slice(i + 1)
        const code = codeOf(() => verifyLicense(edited, keys, { now: DURING }))
        tried++
        // The checksum is checked before anything else, separators included.
        expect(code, `edit at ${i} (${ch})`).toBe('BAD_CHECKSUM')
      }
    }
    expect(tried).toBeGreaterThan(token.length * 6)
  })

  it('truncation is BAD_CHECKSUM or MALFORMED, never accepted', () => {
    for (let n = 0; n < token.length; n += 7) {
      expect(['BAD_CHECKSUM', 'MALFORMED']).toContain(
        codeOf(() => verifyLicense(token.slice(0, n), keys)),
      )
    }
  })

  it('an edited payload with the old signature (checksum recomputed) is BAD_SIGNATURE', () => {
    const [h, p, s] = innerJws.split('.') as [string, string, string]
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>
    claims.tier = 'enterprise'
    claims.entitlements = ['everything']
    const forged = rewrap(`${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}`)
    for (const engine of ['native', 'tweetnacl'] as const) {
      expect(codeOf(() => verifyLicense(forged, keys, { now: DURING, engine }))).toBe(
        'BAD_SIGNATURE',
      )
    }
  })

  it('S replaced by S + L (a malleable signature) is rejected on both engines', () => {
    const [h, p, s] = innerJws.split('.') as [string, string, string]
    const sig = Buffer.from(s, 'base64url')
    const L = (1n << 252n) + 27742317777372353535851937790883648493n
    let S = 0n
    for (let i = 31; i >= 0; i--) S = (S << 8n) | BigInt(sig[32 + i]!)
    let T = S + L
    expect(T < 1n << 256n).toBe(true)
    for (let i = 0; i < 32; i++) {
      sig[32 + i] = Number(T & 0xffn)
      T >>= 8n
    }
    const malleable = rewrap(`${h}.${p}.${sig.toString('base64url')}`)
    for (const engine of ['native', 'tweetnacl'] as const) {
      expect(codeOf(() => verifyLicense(malleable, keys, { now: DURING, engine }))).toBe(
        'BAD_SIGNATURE',
      )
    }
  })

  it('alg other than EdDSA is UNSUPPORTED_ALG; a lease is not a license (WRONG_TYPE)', () => {
    const [, p, s] = innerJws.split('.') as [string, string, string]
    for (const alg of ['none', 'HS256', 'RS256', 'ES256', 'Ed25519']) {
      const h = Buffer.from(
        JSON.stringify({ alg, kid: pair.kid, typ: 'tollgate-license+jwt' }),
      ).toString('base64url')
      expect(codeOf(() => verifyLicense(rewrap(`${h}.${p}.${s}`), keys))).toBe('UNSUPPORTED_ALG')
    }
    const lease = signLease(
      { licenseId: 'lic', deploymentId: 'd', status: 'active', validUntil: new Date() },
      pair,
    )
    expect(codeOf(() => verifyLicense(rewrap(lease), keys))).toBe('WRONG_TYPE')
  })

  it('oversized input is TOO_LARGE before parsing; garbage is MALFORMED', () => {
    expect(codeOf(() => verifyLicense('A'.repeat(20_000), keys))).toBe('TOO_LARGE')
    expect(codeOf(() => verifyLicense(rewrap('a.b'), keys))).toBe('MALFORMED')
    expect(codeOf(() => verifyLicense(rewrap('!!.??.##'), keys))).toBe('MALFORMED')
    expect(codeOf(() => verifyLicense(42 as unknown as string, keys))).toBe('MALFORMED')
  })
})

describe('keys and rotation', () => {
  it('tokens from any key in the set verify; removing a key gives UNKNOWN_KEY', () => {
    const next = generateKeyPair()
    const both = KeySet.from([
      exportPublicJwk(pair.publicKey, pair.kid),
      exportPublicJwk(next.publicKey, next.kid),
    ])
    const newToken = signLicense(sampleClaims(), next)
    expect(verifyLicense(token, both, { now: DURING }).kid).toBe(pair.kid)
    expect(verifyLicense(newToken, both, { now: DURING }).kid).toBe(next.kid)
    const onlyNew = KeySet.from({ keys: both.toJwks().keys.filter((k) => k.kid !== pair.kid) })
    expect(codeOf(() => verifyLicense(token, onlyNew, { now: DURING }))).toBe('UNKNOWN_KEY')
    expect(verifyLicense(newToken, onlyNew, { now: DURING }).kid).toBe(next.kid)
  })

  it('a plain JWKS object works as a key set too', () => {
    expect(
      verifyLicense(token, { keys: [exportPublicJwk(pair.publicKey, pair.kid)] }, { now: DURING })
        .id,
    ).toBeTruthy()
  })

  it('a key with the right kid but other bytes is BAD_SIGNATURE', () => {
    const impostor = generateKeyPair(pair.kid)
    const set = KeySet.from([exportPublicJwk(impostor.publicKey, pair.kid)])
    expect(codeOf(() => verifyLicense(token, set, { now: DURING }))).toBe('BAD_SIGNATURE')
  })

  it('PEM and JWK export/import round-trip and still sign/verify', () => {
    const priv = importPem(exportPem(pair.privateKey))
    const pub = importPem(exportPem(pair.publicKey))
    expect(exportPublicJwk(pub, 'x').x).toBe(exportPublicJwk(pair.publicKey, 'x').x)
    const viaJwk = importJwk(exportPrivateJwk(pair.privateKey, pair.kid))
    for (const privateKey of [priv, viaJwk]) {
      const t = signLicense(sampleClaims(), { kid: pair.kid, privateKey })
      expect(verifyLicense(t, keys, { now: DURING }).id).toBe('lic_01HZX3')
    }
  })

  it('bad keys are INVALID_KEY', () => {
    expect(
      codeOf(() => importPem('-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----')),
    ).toBe('INVALID_KEY')
    expect(codeOf(() => KeySet.from([{ kty: 'OKP', crv: 'Ed25519', x: 'short', kid: 'a' }]))).toBe(
      'INVALID_KEY',
    )
    expect(codeOf(() => KeySet.from({} as never))).toBe('INVALID_KEY')
    const dup = exportPublicJwk(pair.publicKey, 'same')
    expect(codeOf(() => KeySet.from([dup, dup]))).toBe('INVALID_KEY')
  })
})
