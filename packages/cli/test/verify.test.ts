import { writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  exportPublicJwk,
  generateKeyPair,
  signLicense,
  signRevocationList,
  type LicenseClaimsInput,
} from '@tollgate/license-client'
import { licenseVerify, run } from '@tollgate/cli'
import { testContext, type TestContext } from './helpers/context.js'

const pair = generateKeyPair('k1')
const other = generateKeyPair('k2')
const jwks = { keys: [exportPublicJwk(pair.publicKey, pair.kid)] }
const DAY = 86_400_000
const now = new Date('2026-12-01T00:00:00Z')

const claims = (over: Partial<LicenseClaimsInput> = {}): LicenseClaimsInput => ({
  licenseId: 'lic_1',
  customerId: 'cus_1',
  customerName: 'Acme',
  product: 'app',
  tier: 'pro',
  entitlements: ['sso'],
  limits: { users: 10 },
  policy: { expiryGraceDays: 7, offlineGraceDays: 14, heartbeatIntervalS: 3600, maxDeployments: 2 },
  issuedAt: new Date(now.getTime() - DAY),
  expiresAt: new Date(now.getTime() + 30 * DAY),
  ...over,
})

let t: TestContext
let jwksServer: Server
let jwksUrl: string

beforeAll(async () => {
  jwksServer = createServer((req, res) => {
    res.setHeader('content-type', 'application/json')
    res.end(JSON.stringify(req.url === '/.well-known/jwks.json' ? jwks : { keys: [] }))
  })
  await new Promise<void>((r) => jwksServer.listen(0, '127.0.0.1', r))
  jwksUrl = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}`
})
afterAll(() => new Promise<void>((r) => jwksServer.close(() => r())))
afterEach(() => t?.cleanup())

function setup(): { jwksFile: string } {
  t = testContext({ now })
  const jwksFile = join(t.dir, 'jwks.json')
  writeFileSync(jwksFile, JSON.stringify(jwks))
  return { jwksFile }
}

const list = (
  revoked: string[],
  suspended: string[],
  key = pair,
  nextUpdate = new Date(now.getTime() + DAY),
) => signRevocationList({ revoked, suspended, issuedAt: now, nextUpdate }, key)

describe('license verify (offline, as a function)', () => {
  it('answers VALID with the claims and exit 0', async () => {
    const { jwksFile } = setup()
    const token = signLicense(claims(), pair)
    const res = await licenseVerify({ license: token, jwks: jwksFile }, t.ctx)
    expect(res.exitCode).toBe(0)
    expect(res.data).toMatchObject({
      valid: true,
      code: 'VALID',
      licenseId: 'lic_1',
      customerId: 'cus_1',
      tier: 'pro',
      kid: 'k1',
    })
    // Without a list the verdict says revocation was not checked.
    expect(res.notes?.join('\n')).toMatch(/revocation was not checked/)
  })

  it('answers REVOKED / SUSPENDED from a signed revocation list, exit 3', async () => {
    const { jwksFile } = setup()
    const token = signLicense(claims(), pair)
    writeFileSync(join(t.dir, 'rl-revoked.jws'), list(['lic_0', 'lic_1'], []))
    writeFileSync(join(t.dir, 'rl-suspended.json'), JSON.stringify({ list: list([], ['lic_1']) }))
    writeFileSync(join(t.dir, 'rl-clean.jws'), list(['lic_9'], []))
    const revoked = await licenseVerify(
      { license: token, jwks: jwksFile, revocations: 'rl-revoked.jws' },
      t.ctx,
    )
    expect(revoked).toMatchObject({ exitCode: 3, data: { valid: false, code: 'REVOKED' } })
    const suspended = await licenseVerify(
      { license: token, jwks: jwksFile, revocations: 'rl-suspended.json' },
      t.ctx,
    )
    expect(suspended).toMatchObject({ exitCode: 3, data: { valid: false, code: 'SUSPENDED' } })
    const clean = await licenseVerify(
      { license: token, jwks: jwksFile, revocations: 'rl-clean.jws' },
      t.ctx,
    )
    expect(clean).toMatchObject({
      exitCode: 0,
      data: { valid: true, code: 'VALID', revocationList: { revoked: 1 } },
    })
  })

  it('refuses a revocation list not signed by the JWKS (exit 1, not a verdict)', async () => {
    const { jwksFile } = setup()
    writeFileSync(join(t.dir, 'forged.jws'), list([], [], other))
    const code = await run(
      [
        'license',
        'verify',
        signLicense(claims(), pair),
        '--jwks',
        jwksFile,
        '--revocations',
        'forged.jws',
      ],
      t.ctx,
    )
    expect(code).toBe(1)
    expect(t.stderr()).toMatch(/revocation list forged\.jws does not verify.*UNKNOWN_KEY/)
  })

  it('warns about a stale revocation list but still applies it', async () => {
    const { jwksFile } = setup()
    writeFileSync(join(t.dir, 'old.jws'), list(['lic_1'], [], pair, new Date(now.getTime() - DAY)))
    const res = await licenseVerify(
      { license: signLicense(claims(), pair), jwks: jwksFile, revocations: 'old.jws' },
      t.ctx,
    )
    expect(res.data).toMatchObject({ code: 'REVOKED' })
    expect(res.notes?.join('\n')).toMatch(/stale/)
  })

  it('applies the expiry grace: GRACE_EXPIRED is still valid, past it EXPIRED', async () => {
    const { jwksFile } = setup()
    const token = signLicense(claims({ expiresAt: new Date(now.getTime() - 2 * DAY) }), pair)
    const grace = await licenseVerify({ license: token, jwks: jwksFile }, t.ctx)
    expect(grace).toMatchObject({ exitCode: 0, data: { valid: true, code: 'GRACE_EXPIRED' } })
    const later = new Date(now.getTime() + 10 * DAY).toISOString()
    const expired = await licenseVerify({ license: token, jwks: jwksFile, at: later }, t.ctx)
    expect(expired).toMatchObject({ exitCode: 3, data: { valid: false, code: 'EXPIRED' } })
  })

  it('tells a mistyped key (BAD_CHECKSUM) from an unknown signer (UNKNOWN_KEY) and a wrong node', async () => {
    const { jwksFile } = setup()
    const token = signLicense(claims({ deploymentId: 'dep_a' }), pair)
    const typo = token.slice(0, 20) + (token[20] === 'A' ? 'B' : 'A') + token.slice(21)
    expect((await licenseVerify({ license: typo, jwks: jwksFile }, t.ctx)).data).toMatchObject({
      code: 'BAD_CHECKSUM',
      valid: false,
    })
    const foreign = signLicense(claims(), other)
    expect((await licenseVerify({ license: foreign, jwks: jwksFile }, t.ctx)).data).toMatchObject({
      code: 'UNKNOWN_KEY',
    })
    const res = await licenseVerify({ license: token, jwks: jwksFile, deployment: 'dep_b' }, t.ctx)
    expect(res).toMatchObject({ exitCode: 3, data: { code: 'DEPLOYMENT_MISMATCH' } })
  })

  it('reads the key from a file or stdin, and the JWKS from a URL or the profile server', async () => {
    const token = signLicense(claims(), pair)
    t = testContext({ now, stdin: `${token}\n`, env: { TOLLGATE_URL: jwksUrl } })
    writeFileSync(join(t.dir, 'license.key'), `${token}\n`)
    const fromFile = await licenseVerify(
      { license: 'license.key', jwks: `${jwksUrl}/.well-known/jwks.json` },
      t.ctx,
    )
    expect(fromFile.data).toMatchObject({
      code: 'VALID',
      licenseSource: join(t.dir, 'license.key'),
    })
    const fromStdin = await licenseVerify({ license: '-' }, t.ctx)
    expect(fromStdin.data).toMatchObject({
      code: 'VALID',
      licenseSource: 'stdin',
      keySource: `${jwksUrl}/.well-known/jwks.json`,
    })
  })

  it('is a usage error (exit 2) with no keys to check against or a missing file', async () => {
    t = testContext({ now })
    expect(await run(['license', 'verify', signLicense(claims(), pair)], t.ctx)).toBe(2)
    expect(t.stderr()).toMatch(/--jwks/)
    expect(await run(['license', 'verify', './nope.key', '--jwks', 'x.json'], t.ctx)).toBe(2)
    expect(t.stderr()).toMatch(/neither a file nor a license key/)
  })

  it('prints the verdict as a table or JSON through run(), exit 3 when not valid', async () => {
    const { jwksFile } = setup()
    writeFileSync(join(t.dir, 'rl.jws'), list(['lic_1'], []))
    const token = signLicense(claims(), pair)
    expect(
      await run(['license', 'verify', token, '--jwks', jwksFile, '--revocations', 'rl.jws'], t.ctx),
    ).toBe(3)
    expect(t.stdout()).toMatch(/^REVOKED {2}License lic_1 is revoked/)
    const json = setup()
    writeFileSync(join(t.dir, 'rl.jws'), list(['lic_1'], []))
    expect(
      await run(
        ['license', 'verify', token, '--jwks', json.jwksFile, '--revocations', 'rl.jws', '--json'],
        t.ctx,
      ),
    ).toBe(3)
    expect(JSON.parse(t.stdout())).toMatchObject({
      valid: false,
      code: 'REVOKED',
      licenseId: 'lic_1',
    })
  })
})
