// Print a fixed attestation test vector (an attested, signed result and what verifies it) for
// the license-client verifier tests, which cannot depend on this package.
//   npx tsx --conditions=tollgate-source packages/enclave-runner/scripts/make-attestation-vector.ts
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { exportPublicJwk, generateKeyPair, signLicense } from '@tollgate/license-client'
import { createDevelopmentCa, createEnclaveRunner, issueAttestationSigner } from '../src/index.js'

const here = dirname(fileURLToPath(import.meta.url))
const fixtures = JSON.parse(
  readFileSync(join(here, '..', 'test', 'fixtures', 'fixtures.json'), 'utf8'),
) as {
  fixtures: Array<{ id: string; bytecode: string }>
}
const bytecode = fixtures.fixtures.find((f) => f.id === 'KillableOpen@opt')?.bytecode ?? ''
const kp = generateKeyPair()
const token = signLicense(
  {
    licenseId: 'lic_vector',
    customerId: 'cus_vector',
    product: 'tollgate-analyzer',
    tier: 'pro',
    entitlements: ['analysis:vulnerability'],
    limits: {},
    policy: {
      expiryGraceDays: 0,
      offlineGraceDays: 0,
      heartbeatIntervalS: 3600,
      maxDeployments: 1,
    },
  },
  kp,
)
const ca = createDevelopmentCa()
const runner = await createEnclaveRunner({
  jwks: { keys: [exportPublicJwk(kp.publicKey, kp.kid)] },
  ca,
})
const nonce = 'vector-nonce-0123456789abcdef'
const signed = await runner.analyze({
  bytecode,
  analysisType: 'vulnerability',
  licenseToken: token,
  nonce,
})
runner.close()
const other = issueAttestationSigner(ca, 'tollgate-emulated-enclave-other')
const vector = {
  rootPem: ca.rootPem,
  measurement: runner.measurement,
  nonce,
  bytecode,
  signed,
  otherLeafCertificate: Buffer.from(other.certificate).toString('base64'),
}
process.stdout.write(`${JSON.stringify(vector, null, 2)}\n`)
