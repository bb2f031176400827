import { KeySet, verifyLicense, type Jwks } from '@tollgate/license-client'
import * as jose from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { post, seedLicense, validate } from './helpers/fixtures.js'
import { createTestApp, type TestApp } from './helpers/test-app.js'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp()
})
afterAll(() => t.close())

interface KeyView {
  kid: string
  state: string
  signing: boolean
}
const jwks = async () =>
  (await t.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json<Jwks>()
const keys = async () =>
  (await t.request('GET', '/v1/admin/signing-keys')).json<{ items: KeyView[] }>().items

describe('signing keys: rotate, retire, remove', () => {
  it('tokens signed before a rotation verify after it, and fail once their key is retired and removed', async () => {
    const before = await seedLicense(t)
    const oldKid = (await keys()).find((k) => k.signing)!.kid
    // A deployment on it checks in (the fleet path remembers the verified key).
    const activate = (key: string) =>
      t.app.inject({
        method: 'POST',
        url: '/v1/deployments/activate',
        payload: { key, deploymentId: 'dep-rotation-1' },
      })
    expect((await activate(before.token)).statusCode).toBe(200)

    const rotated = await post<KeyView>(t, '/v1/admin/signing-keys/rotate', undefined)
    expect(rotated).toMatchObject({ state: 'active', signing: true })
    expect(rotated.kid).not.toBe(oldKid)
    const after = await seedLicense(t)
    expect(after.license.kid).toBe(rotated.kid)
    expect(before.license.kid).toBe(oldKid)

    // Both verify offline against the JWKS and online.
    const set = KeySet.from(await jwks())
    expect(set.kids()).toEqual(expect.arrayContaining([oldKid, rotated.kid]))
    expect(verifyLicense(before.token, set).kid).toBe(oldKid)
    expect(verifyLicense(after.token, set).kid).toBe(rotated.kid)
    expect((await validate(t, before.token)).code).toBe('VALID')

    // Retire: no longer signs, still verifies and stays in JWKS.
    const retired = await post<KeyView>(
      t,
      `/v1/admin/signing-keys/${oldKid}/retire`,
      undefined,
      200,
    )
    expect(retired).toMatchObject({ state: 'retired', signing: false })
    expect((await jwks()).keys.map((k) => k.kid)).toContain(oldKid)
    expect((await validate(t, before.token)).code).toBe('VALID')
    const reissued = await post<{ license: { kid: string }; token: string }>(
      t,
      `/v1/admin/licenses/${before.license.id}/reissue`,
      undefined,
      200,
    )
    expect(reissued.license.kid).toBe(rotated.kid)

    // Remove: gone from JWKS; its tokens fail offline (UNKNOWN_KEY) and online (INVALID).
    expect((await t.request('DELETE', `/v1/admin/signing-keys/${oldKid}`)).statusCode).toBe(204)
    const now = await jwks()
    expect(now.keys.map((k) => k.kid)).not.toContain(oldKid)
    expect(() => verifyLicense(before.token, now)).toThrow(
      expect.objectContaining({ code: 'UNKNOWN_KEY' }),
    )
    const online = await validate(t, before.token)
    expect(online).toMatchObject({ valid: false, code: 'INVALID' })
    expect((await activate(before.token)).json<{ code: string }>().code).toBe('INVALID_LICENSE_KEY')
    expect(online.warnings[0]).toMatch(/^UNKNOWN_KEY/)
    // The re-issued token of the same license is signed by the new key and still works.
    expect((await validate(t, reissued.token)).code).toBe('VALID')

    const actions = (await t.request('GET', '/v1/admin/audit?targetType=signing_key')).json<{
      items: { action: string }[]
    }>()
    expect(actions.items.map((e) => e.action)).toEqual([
      'signing_key.delete',
      'signing_key.retire',
      'signing_key.rotate',
    ])
  })

  it('refuses to retire the last active key or remove an active one', async () => {
    const active = (await keys()).filter((k) => k.state === 'active')
    expect(active).toHaveLength(1)
    const kid = active[0]!.kid
    expect(
      (await t.request('POST', `/v1/admin/signing-keys/${kid}/retire`)).json<{ code: string }>()
        .code,
    ).toBe('LAST_SIGNING_KEY')
    expect(
      (await t.request('DELETE', `/v1/admin/signing-keys/${kid}`)).json<{ code: string }>().code,
    ).toBe('SIGNING_KEY_IN_USE')
    expect(
      (await t.request('DELETE', '/v1/admin/signing-keys/nope')).json<{ code: string }>().code,
    ).toBe('NOT_FOUND')
  })

  it('serves a JWKS any JOSE library verifies the inner JWS against', async () => {
    const { token, license } = await seedLicense(t)
    const jws = token.slice(token.indexOf('-') + 1, token.lastIndexOf('-'))
    const { payload, protectedHeader } = await jose.compactVerify(
      jws,
      jose.createLocalJWKSet(await jwks()),
    )
    expect(protectedHeader.alg).toBe('EdDSA')
    expect(JSON.parse(new TextDecoder().decode(payload))).toMatchObject({
      lid: license.id,
      iss: t.tenantId,
    })
  })

  it('stores private keys encrypted: no PEM or JWK private member in the table', async () => {
    const rows = await t.db.selectFrom('signing_keys').selectAll().execute()
    for (const r of rows) {
      expect(r.private_key_enc).not.toMatch(/PRIVATE KEY/)
      expect(Buffer.from(r.private_key_enc, 'base64').toString('utf8')).not.toMatch(/PRIVATE KEY/)
      expect(JSON.stringify(r.public_jwk)).not.toMatch(/"d"/)
    }
  })
})
