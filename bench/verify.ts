// bench/verify: the license codec against raw Ed25519 and jose, measured in one run.
// Run: npx pnpm@10 bench:verify
import { verify as nodeVerify } from 'node:crypto'
import { compactVerify, importJWK } from 'jose'
import nacl from 'tweetnacl'
import {
  KeySet,
  exportPublicJwk,
  generateKeyPair,
  signLicense,
  verifyLicense,
} from '@tollgate/license-client'
import { measureAsync, measurePair, report } from './lib/harness.js'

const N = 2000
const pair = generateKeyPair()
const jwk = exportPublicJwk(pair.publicKey, pair.kid)
const keys = KeySet.from([jwk])
const rawPublic = Buffer.from(jwk.x, 'base64url')
const now = Date.now()
const policy = {
  expiryGraceDays: 14,
  offlineGraceDays: 30,
  heartbeatIntervalS: 3600,
  maxDeployments: 3,
}

// N distinct tokens, so "a token not seen before" is literally true for every verify.
const tokens = Array.from({ length: N }, (_, i) =>
  signLicense(
    {
      licenseId: `lic_${i.toString().padStart(8, '0')}`,
      customerId: `cus_${i}`,
      product: 'acme',
      tier: 'pro',
      entitlements: ['sso', 'audit-log', 'exports', 'analysis:vulnerability'],
      limits: { users: 50, deployments: 3 },
      policy,
      expiresAt: new Date(now + 365 * 86_400_000),
    },
    pair,
  ),
)
const parts = tokens.map((t) => {
  const jws = t.slice(t.indexOf('-') + 1, t.lastIndexOf('-'))
  const dot = jws.lastIndexOf('.')
  return {
    jws,
    input: Buffer.from(jws.slice(0, dot)),
    sig: Buffer.from(jws.slice(dot + 1), 'base64url'),
  }
})
const inputsU8 = parts.map((p) => new Uint8Array(p.input))
const sigsU8 = parts.map((p) => new Uint8Array(p.sig))
const joseKey = await importJWK(jwk, 'EdDSA')

const [rawNative, ourNative] = measurePair(
  {
    name: 'raw node:crypto verify',
    fn: (i) => nodeVerify(null, parts[i]!.input, pair.publicKey, parts[i]!.sig),
  },
  {
    name: 'verifyLicense (native, unseen token)',
    fn: (i) => verifyLicense(tokens[i]!, keys, { engine: 'native' }),
  },
  N,
)
const jose = await measureAsync('jose compactVerify', N, (i) =>
  compactVerify(parts[i]!.jws, joseKey),
)

const M = 100
const [rawNacl, ourNacl] = measurePair(
  {
    name: 'raw tweetnacl verify',
    fn: (i) => nacl.sign.detached.verify(inputsU8[i]!, sigsU8[i]!, rawPublic),
  },
  {
    name: 'verifyLicense (tweetnacl)',
    fn: (i) => verifyLicense(tokens[i]!, keys, { engine: 'tweetnacl' }),
  },
  M,
  7,
)

const license = verifyLicense(tokens[0]!, keys)
const map = new Map(license.claims.entitlements.map((e) => [e, true]))
const names = ['sso', 'missing', 'exports', 'nope', 'audit-log', 'x', 'analysis:vulnerability', 'y']
const G = 5_000_000
const [mapGet, hasFeature] = measurePair(
  { name: 'Map.get', fn: (i) => map.get(names[i & 7]!) === true },
  { name: 'VerifiedLicense.hasFeature', fn: (i) => license.hasFeature(names[i & 7]!) },
  G,
)

const ok = report(
  `bench/verify — node ${process.version}, ${N} distinct tokens of ${tokens[0]!.length} chars`,
  [
    { subject: ourNative, baseline: rawNative, target: '<= 1.3x', ok: (r) => r <= 1.3 },
    { subject: ourNative, baseline: jose, target: '< 1.0x (faster than jose)', ok: (r) => r < 1 },
    { subject: ourNacl, baseline: rawNacl, target: '<= 1.1x', ok: (r) => r <= 1.1 },
    { subject: hasFeature, baseline: mapGet, target: '<= 3x', ok: (r) => r <= 3 },
  ],
)
console.log(ok ? '\nall targets met' : '\nsome targets missed')
