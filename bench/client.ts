// bench/client: the license client runtime, as ratios to baselines measured in the same run.
//  - cold start (createLicenseClient: read deployment id, lease, clock, usage queue, revocation
//    list from disk; verify key + lease + list; decide the state) vs one raw node:crypto verify,
//    and vs the same file reads + three raw verifies done by hand (the floor for this work),
//    measured in alternating rounds; also a start that finds its id in deployment.json (info);
//  - the hasFeature hot path vs Map.get (target from the token issue: <= 3x).
// Run: npx pnpm@10 bench:client
import { verify as nodeVerify } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  KeySet,
  createLicenseClient,
  exportPublicJwk,
  generateKeyPair,
  signLease,
  signLicense,
  signRevocationList,
  type LicenseClientOptions,
} from '@tollgate/license-client'
import { fmt, measure, report, type Result } from './lib/harness.js'

const DAY = 86_400_000
const pair = generateKeyPair()
const jwks = { keys: [exportPublicJwk(pair.publicKey, pair.kid)] }
const keys = KeySet.from(jwks)
const now = Date.now()
const token = signLicense(
  {
    licenseId: 'lic_bench',
    customerId: 'cus_bench',
    product: 'acme',
    tier: 'pro',
    entitlements: ['sso', 'audit-log', 'exports', 'analysis:vulnerability'],
    limits: { users: 50, deployments: 3 },
    policy: {
      expiryGraceDays: 14,
      offlineGraceDays: 30,
      heartbeatIntervalS: 3600,
      maxDeployments: 3,
    },
    expiresAt: new Date(now + 365 * DAY),
  },
  pair,
)

// A storage dir as a running deployment leaves it: a lease, a list of 1000 revoked ids, usage.
// `deploymentId` given, or (undefined) kept in deployment.json as most apps run it.
async function prepareDir(deploymentId: string | undefined): Promise<LicenseClientOptions> {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-bench-'))
  const options: LicenseClientOptions = {
    token,
    publicKeys: keys,
    storageDir: dir,
    ...(deploymentId === undefined ? {} : { deploymentId }),
    serverUrl: 'http://127.0.0.1:9', // configured but never contacted in the timed part
    autoHeartbeat: false,
    logger: { warn: () => undefined, error: () => undefined },
  }
  // Without a given id, a first start writes deployment.json; the lease is for that id.
  const first = deploymentId === undefined ? await createLicenseClient(options) : undefined
  await first?.close()
  writeFileSync(
    join(dir, 'lease.jws'),
    signLease(
      {
        licenseId: 'lic_bench',
        deploymentId: first?.deploymentId ?? deploymentId!,
        status: 'active',
        serverTime: new Date(now),
        validUntil: new Date(now + 30 * DAY),
      },
      pair,
    ),
  )
  const revoked = Array.from({ length: 1000 }, (_, i) => `lic_${i.toString().padStart(8, '0')}`)
  writeFileSync(
    join(dir, 'revocations.jws'),
    signRevocationList({ revoked, suspended: [], nextUpdate: new Date(now + DAY) }, pair),
  )
  const seed = await createLicenseClient(options)
  for (let i = 0; i < 20; i++) seed.recordUsage(`metric_${i % 5}`, i)
  await seed.close()
  return options
}
const options = await prepareDir('dep_bench')
const optionsStored = await prepareDir(undefined)
const dir = options.storageDir

/** One timed cold start, ns (close() is outside the timed part). */
async function coldStartOnce(opts: LicenseClientOptions): Promise<number> {
  const t0 = process.hrtime.bigint()
  const client = await createLicenseClient(opts)
  const t1 = process.hrtime.bigint()
  if (client.state.code !== 'valid') throw new TypeError(`bench client is ${client.state.code}`)
  await client.close()
  return Number(t1 - t0)
}

const jwsOf = (t: string) => t.slice(t.indexOf('-') + 1, t.lastIndexOf('-'))
const check = (jws: string) => {
  const dot = jws.lastIndexOf('.')
  return nodeVerify(
    null,
    Buffer.from(jws.slice(0, dot)),
    pair.publicKey,
    Buffer.from(jws.slice(dot + 1), 'base64url'),
  )
}

/** The floor, one round: the same four file reads and three raw verifies, no parsing or policy. */
async function handRolledOnce(): Promise<number> {
  const t0 = process.hrtime.bigint()
  const files = await Promise.all(
    ['lease.jws', 'clock.json', 'usage.json', 'revocations.jws'].map((f) =>
      readFile(join(dir, f), 'utf8'),
    ),
  )
  const ok = check(jwsOf(token)) && check(files[0]!.trim()) && check(files[3]!.trim())
  const t1 = process.hrtime.bigint()
  if (!ok) throw new TypeError('hand-rolled verify failed')
  return Number(t1 - t0)
}

/**
 * The floor and both cold starts measured in alternating rounds (floor, start, start with
 * deployment.json, floor, …): load from other processes on a shared machine then hits all three
 * alike, so the ratio stays meaningful when absolute times drift.
 */
async function coldStarts(rounds: number): Promise<[Result, Result, Result]> {
  for (let i = 0; i < 20; i++) {
    await handRolledOnce()
    await coldStartOnce(options)
    await coldStartOnce(optionsStored)
  }
  const floor: number[] = []
  const given: number[] = []
  const stored: number[] = []
  for (let r = 0; r < rounds; r++) {
    floor.push(await handRolledOnce())
    given.push(await coldStartOnce(options))
    stored.push(await coldStartOnce(optionsStored))
  }
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
  return [
    { name: 'read 4 files + 3 raw verifies', nsPerOp: median(floor) },
    { name: 'createLicenseClient (cold start)', nsPerOp: median(given) },
    { name: 'cold start, id from deployment.json', nsPerOp: median(stored) },
  ]
}

const jws = token.slice(token.indexOf('-') + 1, token.lastIndexOf('-'))
const dot = jws.lastIndexOf('.')
const input = Buffer.from(jws.slice(0, dot))
const sig = Buffer.from(jws.slice(dot + 1), 'base64url')
const rawVerify = await measure('raw node:crypto verify', 2000, () =>
  nodeVerify(null, input, pair.publicKey, sig),
)
const [floor, cold, coldStored] = await coldStarts(200)

const client = await createLicenseClient(options)
const map = new Map(['sso', 'audit-log', 'exports', 'analysis:vulnerability'].map((e) => [e, true]))
const names = ['sso', 'missing', 'exports', 'nope', 'audit-log', 'x', 'analysis:vulnerability', 'y']
const G = 5_000_000
const mapGet = await measure('Map.get', G, (i) => map.get(names[i & 7]!) === true)
const hasFeature = await measure('client.hasFeature', G, (i) => client.hasFeature(names[i & 7]!))
await client.close()
for (const o of [options, optionsStored]) rmSync(o.storageDir, { recursive: true, force: true })

const ok = report(
  `bench/client — node ${process.version}; cold start = files + verify key, lease, list (1000 ids)`,
  [
    { subject: cold, baseline: rawVerify, target: 'info (3 verifies + 4 reads)', ok: () => true },
    { subject: cold, baseline: floor, target: '<= 3x the hand-rolled floor', ok: (r) => r <= 3 },
    {
      subject: coldStored,
      baseline: floor,
      target: 'info (+ fingerprint, deployment.json)',
      ok: () => true,
    },
    { subject: hasFeature, baseline: mapGet, target: '<= 3x', ok: (r) => r <= 3 },
  ],
)
console.log(
  `\ncold start median ${fmt(cold.nsPerOp)} (${(cold.nsPerOp / floor.nsPerOp).toFixed(2)}x the floor); ` +
    `with deployment.json ${fmt(coldStored.nsPerOp)} (${(coldStored.nsPerOp / floor.nsPerOp).toFixed(2)}x)`,
)
console.log(ok ? 'all targets met' : 'some targets missed')
