// The offline activation files verify with jose (issue 18): a vendor or customer without our SDK
// checks a machine file against the JWKS, and a deactivation proof against the deployment key.
import { createLocalJWKSet, importJWK, jwtVerify } from 'jose'
import { describe, expect, it } from 'vitest'
import {
  createActivationRequest,
  exportPublicJwk,
  generateKeyPair,
  signDeactivationProof,
  signMachineFile,
  verifyMachineFile,
} from '@tollgate/license-client'

describe('offline activation files with jose', () => {
  it('a machine file is a JWT jose verifies with the JWKS; the proof verifies with the deployment key', async () => {
    const vendor = generateKeyPair()
    const device = generateKeyPair()
    const x = exportPublicJwk(device.publicKey, device.kid).x
    const request = createActivationRequest({
      licenseId: 'lic_1',
      deploymentId: 'dep_1',
      fingerprint: { machineId: 'c'.repeat(32), hostname: 'h', container: false },
      deploymentKey: { kty: 'OKP', crv: 'Ed25519', x },
    })
    const now = new Date()
    const file = signMachineFile(
      {
        activationId: 'oac_1',
        request,
        issuedAt: now,
        expiresAt: new Date(now.getTime() + 86_400_000),
      },
      vendor,
    )
    const jwks = { keys: [exportPublicJwk(vendor.publicKey, vendor.kid)] }
    const { payload } = await jwtVerify(file, createLocalJWKSet(jwks), {
      algorithms: ['EdDSA'],
      typ: 'tollgate-machine+jwt',
    })
    expect(payload).toMatchObject({ lid: 'lic_1', fpr: 'c'.repeat(32), jti: 'oac_1', dpk: x })
    const claims = verifyMachineFile(file, jwks)
    const proof = signDeactivationProof(claims, { ...device, kid: x }, now)
    const key = await importJWK({ kty: 'OKP', crv: 'Ed25519', x }, 'EdDSA')
    const verified = await jwtVerify(proof, key, { typ: 'tollgate-deactivation+jwt' })
    expect(verified.payload).toMatchObject({ act: 'oac_1', lid: 'lic_1', deployment: 'dep_1' })
  })
})
