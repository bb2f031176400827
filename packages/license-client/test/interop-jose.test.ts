import { createLocalJWKSet, compactVerify, jwtVerify } from 'jose'
import { describe, expect, it } from 'vitest'
import { KeySet, exportPublicJwk, generateKeyPair, signLicense } from '@tollgate/license-client'
import { sampleClaims } from './helpers.js'

describe('interop with jose', () => {
  it("the inner JWS verifies with jose's jwtVerify against the exported JWKS", async () => {
    const pair = generateKeyPair()
    const other = generateKeyPair()
    const jwks = {
      keys: [
        exportPublicJwk(other.publicKey, other.kid),
        exportPublicJwk(pair.publicKey, pair.kid),
      ],
    }
    const token = signLicense(sampleClaims({ expiresAt: new Date(Date.now() + 86_400_000) }), pair)
    // A customer without our SDK: strip PREFIX- and -checksum at the first and last dash.
    const jws = token.slice(token.indexOf('-') + 1, token.lastIndexOf('-'))
    const { payload, protectedHeader } = await jwtVerify(jws, createLocalJWKSet(jwks), {
      algorithms: ['EdDSA'],
      typ: 'tollgate-license+jwt',
    })
    expect(protectedHeader.kid).toBe(pair.kid)
    expect(payload.lid).toBe('lic_01HZX3')
    expect(payload.entitlements).toContain('sso')
  })

  it('a JWS jose signs with our key verifies as raw compact JWS, and KeySet round-trips JWKS', async () => {
    const pair = generateKeyPair('kid-1')
    const jwks = KeySet.from([exportPublicJwk(pair.publicKey, pair.kid)]).toJwks()
    const token = signLicense(sampleClaims(), pair)
    const jws = token.slice(token.indexOf('-') + 1, token.lastIndexOf('-'))
    const { payload } = await compactVerify(jws, createLocalJWKSet(jwks))
    expect((JSON.parse(new TextDecoder().decode(payload)) as { sub: string }).sub).toBe('cus_42')
  })
})
