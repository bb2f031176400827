import { generateKeyPairSync } from 'node:crypto'
import { readFileSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  ConfigInvalidError,
  FeatureNotEntitledError,
  LicenseNotValidError,
  LimitExceededError,
  createLicenseClient,
  signLease,
  signLicense,
  signRevocationList,
  type LicenseClientOptions,
  type LicenseState,
} from '@tollgate/license-client'
import { DAY, sampleClaims } from './helpers.js'
import {
  ISSUED,
  EXPIRES,
  LID,
  fakeClock,
  jwks,
  recordingLogger,
  tempDir,
  token,
  vendor,
} from './client-fixtures.js'

const NOW = Date.parse('2026-06-01T12:00:00Z')
let dir: string
let cleanup: () => void

beforeEach(() => {
  ;({ dir, cleanup } = tempDir())
})
afterEach(() => cleanup())

function offline(over: Partial<LicenseClientOptions> = {}, now = NOW) {
  const logger = recordingLogger()
  const clock = fakeClock(now)
  const opts: LicenseClientOptions = {
    token,
    publicKeys: jwks,
    storageDir: dir,
    logger,
    now: clock.now,
    ...over,
  }
  return { logger, clock, start: () => createLicenseClient(opts) }
}

describe('offline client (no serverUrl)', () => {
  it('starts valid from the key and answers gates from the state', async () => {
    const client = await offline().start()
    expect(client.state).toMatchObject({
      code: 'valid',
      restricted: false,
      licenseId: LID,
      daysLeft: 214,
    })
    expect(client.hasFeature('sso')).toBe(true)
    expect(client.hasFeature('saml')).toBe(false)
    expect(() => client.requireFeature('sso')).not.toThrow()
    expect(() => client.requireFeature('saml')).toThrow(FeatureNotEntitledError)
    expect(client.deploymentId).toMatch(/^dep_[0-9a-f]{24}$/)
    await client.close()
  })

  it('reads the key from tokenFile, then from the environment variable', async () => {
    const file = join(dir, 'license.key')
    writeFileSync(file, `\n${token}\n`)
    const fromFile = await offline({ token: undefined, tokenFile: file }).start()
    expect(fromFile.state.code).toBe('valid')
    await fromFile.close()
    process.env.TG_TEST_KEY = token
    try {
      const fromEnv = await offline({ token: undefined, tokenEnv: 'TG_TEST_KEY' }).start()
      expect(fromEnv.state.code).toBe('valid')
      await fromEnv.close()
    } finally {
      delete process.env.TG_TEST_KEY
    }
  })

  it('a missing or mistyped key is the invalid state, never a crash', async () => {
    const missing = await offline({ token: undefined, tokenEnv: 'TG_TEST_UNSET' }).start()
    expect(missing.state).toMatchObject({ code: 'invalid', restricted: true })
    expect(missing.state.reason).toMatch(/TG_TEST_UNSET/)
    expect(() => missing.requireFeature('sso')).toThrow(LicenseNotValidError)
    await missing.close()
    const typo = await offline({
      token: token.slice(0, -1) + (token.endsWith('0') ? '1' : '0'),
    }).start()
    expect(typo.state.code).toBe('invalid')
    expect(typo.state.reason).toMatch(/^BAD_CHECKSUM/)
    expect(typo.state.reason).not.toContain(token.slice(4, 40))
    await typo.close()
    const forged = await offline({
      token: signLicense(sampleClaims(), {
        kid: vendor.kid,
        privateKey: generateKeyPairSync('ed25519').privateKey,
      }),
    }).start()
    expect(forged.state.reason).toMatch(/^BAD_SIGNATURE/)
    await forged.close()
  })

  it('rejects unusable options with CONFIG_INVALID', async () => {
    await expect(createLicenseClient({ token, storageDir: dir })).rejects.toThrow(
      ConfigInvalidError,
    )
    await expect(
      createLicenseClient({ token, publicKeys: jwks, storageDir: '' }),
    ).rejects.toMatchObject({ code: 'CONFIG_INVALID' })
    await expect(
      createLicenseClient({ token, publicKeys: jwks, storageDir: dir, serverUrl: 'ftp://x' }),
    ).rejects.toMatchObject({ code: 'CONFIG_INVALID' })
    await expect(
      createLicenseClient({
        token,
        publicKeys: { keys: [{ kty: 'OKP', crv: 'Ed25519', x: 'AA', kid: 'k' }] },
        storageDir: dir,
      }),
    ).rejects.toMatchObject({ code: 'CONFIG_INVALID' })
  })

  it('a revocation-list file revokes an air-gapped client; an older list does not undo it', async () => {
    const file = join(dir, 'from-vendor.jws')
    const list = (revoked: string[], at: number) =>
      signRevocationList(
        { revoked, suspended: [], issuedAt: new Date(at), nextUpdate: new Date(at + DAY) },
        vendor,
      )
    writeFileSync(file, list([], NOW - DAY))
    const changes: LicenseState[] = []
    const client = await offline({
      revocationListFile: file,
      onStateChange: (s) => void changes.push(s),
    }).start()
    expect(client.state.code).toBe('valid')
    writeFileSync(file, list([LID], NOW - 60_000))
    utimesSync(file, new Date(), new Date(Date.now() + 5000))
    await client.refresh()
    expect(client.state.code).toBe('revoked')
    expect(client.hasFeature('sso')).toBe(false)
    expect(changes.map((s) => s.code)).toEqual(['valid', 'revoked'])
    writeFileSync(file, list([], NOW - 2 * DAY)) // an old list, replayed
    utimesSync(file, new Date(), new Date(Date.now() + 10_000))
    expect((await client.refresh()).code).toBe('revoked')
    await client.close()
    // The newest list was kept under storageDir: still revoked with the file gone.
    const again = await offline().start()
    expect(again.state.code).toBe('revoked')
    await again.close()
  })

  it('a clock rolled back past the newest signed time is clock_tampered; a small step back is not', async () => {
    const first = await offline().start()
    await first.close()
    const rolled = await offline({}, ISSUED - 2 * DAY).start()
    expect(rolled.state).toMatchObject({ code: 'clock_tampered', restricted: true, features: [] })
    await rolled.close()
    const nudged = await offline({}, ISSUED - 10 * 60_000).start()
    expect(nudged.state.code).toBe('valid')
    await nudged.close()
  })

  it('a clock that ran a year ahead and was corrected is not clock_tampered (air-gapped)', async () => {
    const ahead = await offline({}, NOW + 300 * DAY).start()
    ahead.recordUsage('api_calls', 1)
    await ahead.close()
    const corrected = await offline({}, NOW).start()
    expect(corrected.state.code).toBe('valid')
    await corrected.close()
  })

  it('a lease from the future on disk is clock_tampered', async () => {
    const seed = await offline({ serverUrl: 'http://127.0.0.1:9' }).start()
    const deploymentId = seed.deploymentId
    await seed.close()
    const future = signLease(
      {
        licenseId: LID,
        deploymentId,
        status: 'active',
        serverTime: new Date(NOW + 2 * DAY),
        validUntil: new Date(NOW + 32 * DAY),
      },
      vendor,
    )
    writeFileSync(join(dir, 'lease.jws'), future)
    const client = await offline({ serverUrl: 'http://127.0.0.1:9', autoHeartbeat: false }).start()
    expect(client.state).toMatchObject({ code: 'clock_tampered', restricted: true })
    await client.close()
  })

  it('a clock rolled back while running is caught at the next check', async () => {
    const t = offline()
    const client = await t.start()
    t.clock.set(ISSUED - 2 * DAY)
    expect((await client.refresh()).code).toBe('clock_tampered')
    t.clock.set(NOW + 60_000)
    expect((await client.refresh()).code).toBe('valid')
    await client.close()
  })

  it('time passing moves valid -> grace_expired -> expired and emits each change', async () => {
    const changes: [string, string][] = []
    const t = offline(
      { onStateChange: (s, prev) => void changes.push([prev.code, s.code]) },
      EXPIRES - DAY,
    )
    const client = await t.start()
    expect(client.state.code).toBe('valid')
    t.clock.set(EXPIRES + DAY)
    expect((await client.refresh()).daysLeft).toBe(13)
    t.clock.set(EXPIRES + 14 * DAY)
    await client.refresh()
    expect(changes).toEqual([
      ['valid', 'valid'], // the first state is reported too
      ['valid', 'grace_expired'],
      ['grace_expired', 'expired'],
    ])
    expect(client.hasFeature('sso')).toBe(false)
    await client.close()
  })

  it('an onStateChange that throws is logged, not rethrown', async () => {
    const t = offline(
      {
        onStateChange: () => {
          throw new Error('app bug')
        },
      },
      EXPIRES - DAY,
    )
    const client = await t.start()
    t.clock.set(EXPIRES + DAY)
    await expect(client.refresh()).resolves.toMatchObject({ code: 'grace_expired' })
    expect(
      t.logger.entries.some((e) => e.level === 'error' && /onStateChange/.test(e.message)),
    ).toBe(true)
    await client.close()
  })

  it('limits follow the state: license limits when valid, freeLimits when restricted', async () => {
    const t = offline({ freeLimits: { users: 3 }, freeFeatures: ['basic'] }, EXPIRES - DAY)
    const client = await t.start()
    expect(client.limit('users')).toBe(50)
    expect(client.limit('unknown')).toBeUndefined()
    expect(client.checkLimit('users', 50)).toEqual({
      allowed: true,
      metric: 'users',
      limit: 50,
      current: 50,
      remaining: 0,
    })
    expect(client.checkLimit('users', 51).allowed).toBe(false)
    expect(() => client.requireLimit('users', 51)).toThrow(LimitExceededError)
    t.clock.set(EXPIRES + 30 * DAY)
    await client.refresh()
    expect([client.limit('users'), client.limit('projects')]).toEqual([3, 0])
    expect([client.hasFeature('basic'), client.hasFeature('sso')]).toEqual([true, false])
    await client.close()
  })

  it('recordUsage ignores bad input without throwing', async () => {
    const t = offline()
    const client = await t.start()
    expect(() => client.recordUsage('api', Number.NaN)).not.toThrow()
    expect(() => client.recordUsage('', 1)).not.toThrow()
    expect(t.logger.entries.filter((e) => /recordUsage ignored/.test(e.message))).toHaveLength(2)
    await client.close()
  })
})

describe('persistence under storageDir', () => {
  it('keeps deployment id, clock and usage, with no temp files left behind', async () => {
    const client = await offline().start()
    client.recordUsage('api_calls', 3)
    const id = client.deploymentId
    await client.close()
    const files = readdirSync(dir).sort()
    expect(files).toEqual(['deployment.json', 'usage.json'])
    expect(statSync(join(dir, 'usage.json')).mode & 0o777).toBe(0o600)
    const usage = JSON.parse(readFileSync(join(dir, 'usage.json'), 'utf8')) as {
      data: { open: unknown[] }
    }
    expect(usage.data.open).toEqual([{ metric: 'api_calls', amount: 3, period: '2026-06-01' }])
    const again = await offline().start()
    expect(again.deploymentId).toBe(id)
    await again.close()
  })

  it.each([
    ['clock.json', () => '{"v":1,"sha256":"00","data":{"highWater":1}}'],
    ['deployment.json', (t: string) => t.replace(/dep_[0-9a-f]/, 'dep_X')],
    ['usage.json', () => '\u0000\u0000garbage'],
    ['revocations.jws', () => 'eyJhbGciOiJFZERTQSJ9.e30.AAAA'],
    ['lease.jws', () => 'not-a-lease'],
  ])('a corrupt %s is reported, moved aside and replaced', async (file, corrupt) => {
    const seed = await offline().start()
    seed.recordUsage('api_calls', 1)
    await seed.close()
    const path = join(dir, file)
    let text = ''
    try {
      text = readFileSync(path, 'utf8')
    } catch {
      /* lease / revocations do not exist offline: plant one */
    }
    writeFileSync(path, corrupt(text))
    const t = offline()
    const client = await t.start()
    expect(client.state.code).toBe('valid')
    const report = t.logger.entries.find((e) => e.data.code === 'STORAGE_ERROR')
    expect(report?.data.file).toBe(path)
    expect(readdirSync(dir).some((f) => f.startsWith(`${file}.corrupt-`))).toBe(true)
    await client.close()
  })

  it('an unwritable storageDir is reported and the client runs from memory', async () => {
    const file = join(dir, 'not-a-dir')
    writeFileSync(file, 'x')
    const t = offline({ storageDir: join(file, 'sub') })
    const client = await t.start()
    expect(client.state.code).toBe('valid')
    client.recordUsage('api_calls', 1)
    await client.close()
    expect(t.logger.entries.some((e) => e.data.code === 'STORAGE_ERROR')).toBe(true)
  })
})
