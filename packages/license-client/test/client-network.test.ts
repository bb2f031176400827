import { utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  createLicenseClient,
  exportPublicJwk,
  generateKeyPair,
  signLicense,
  type LicenseClientOptions,
} from '@tollgate/license-client'
import { DAY, sampleClaims } from './helpers.js'
import {
  EXPIRES,
  FakeLicenseServer,
  LID,
  deadUrl,
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
let server: FakeLicenseServer
const clock = fakeClock(NOW)

beforeEach(async () => {
  ;({ dir, cleanup } = tempDir())
  clock.set(NOW)
  server = await FakeLicenseServer.start()
  server.serverNow = clock.now
})
afterEach(async () => {
  await server.close()
  cleanup()
})

function start(over: Partial<LicenseClientOptions> = {}) {
  const logger = recordingLogger()
  const opts: LicenseClientOptions = {
    token,
    publicKeys: jwks,
    serverUrl: server.url,
    storageDir: dir,
    appVersion: '1.2.3',
    logger,
    now: clock.now,
    autoHeartbeat: false,
    requestTimeoutMs: 2000,
    ...over,
  }
  return createLicenseClient(opts).then((client) => ({ client, logger }))
}

describe('client with a license server', () => {
  it('activates on first start by itself, then heartbeats', async () => {
    const { client } = await start({ autoHeartbeat: true })
    await vi.waitFor(() => expect(server.count('/v1/deployments/activate')).toBe(1))
    const activate = server.requests.find((r) => r.path === '/v1/deployments/activate')!
    expect(activate.body).toMatchObject({
      key: token,
      deploymentId: client.deploymentId,
      appVersion: '1.2.3',
    })
    expect((activate.body.fingerprint as { hostname: string }).hostname).toBeTypeOf('string')
    await vi.waitFor(() => expect(client.state.code).toBe('valid'))
    // refresh() joins a round in flight (the activation's), so one more may be needed.
    await vi.waitFor(async () => {
      await client.refresh()
      expect(server.count('/v1/deployments/heartbeat')).toBeGreaterThanOrEqual(1)
    })
    // Online, revocations arrive in the signed lease: no list download by default.
    expect(server.count('/v1/revocations')).toBe(0)
    await client.close()
  })

  it('keeps the revocation list current only when configured for offline use', async () => {
    const { client } = await start({ offlineRevocations: true })
    await client.refresh()
    expect(server.count('/v1/revocations')).toBe(1)
    expect(client.state.code).toBe('valid')
    server.revoked = [LID]
    clock.advance(1000)
    // refresh() asks again at once (a scheduled round waits for the list's nextUpdate).
    expect((await client.refresh()).code).toBe('revoked')
    expect(server.count('/v1/revocations')).toBe(2)
    await client.close()
  })

  it('without contact a started deployment falls to grace_offline, and back to valid on contact', async () => {
    const { client } = await start()
    await client.refresh()
    expect(client.state.code).toBe('valid')
    server.mode = '500'
    clock.advance(3 * 3_600_000)
    expect(await client.refresh()).toMatchObject({ code: 'grace_offline', daysLeft: 30 })
    server.mode = 'ok'
    expect((await client.refresh()).code).toBe('valid')
    await client.close()
  })

  it('a revocation learned by heartbeat persists across a restart while offline', async () => {
    const first = await start()
    await first.client.refresh()
    expect(first.client.state.code).toBe('valid')
    server.status = 'revoked'
    server.revoked = [LID]
    clock.advance(3_600_000)
    expect((await first.client.refresh()).code).toBe('revoked')
    expect(first.client.hasFeature('sso')).toBe(false)
    await first.client.close()
    // Restart with the server unreachable: the signed lease and list on disk still say revoked.
    const second = await start({ serverUrl: await deadUrl() })
    expect(second.client.state.code).toBe('revoked')
    await second.client.refresh()
    expect(second.client.state.code).toBe('revoked')
    await second.client.close()
  })

  it('usage recorded while the server was down survives a restart and arrives exactly once', async () => {
    const down = await start({ serverUrl: await deadUrl() })
    down.client.recordUsage('api_calls', 5)
    down.client.recordUsage('api_calls', 2)
    down.client.recordUsage('exports')
    await down.client.refresh()
    await down.client.close()
    const up = await start()
    up.client.recordUsage('api_calls', 1)
    // The first upload is stored by the server but its answer is lost: the client resends.
    server.loseUsageAck = true
    await up.client.refresh()
    server.loseUsageAck = false
    await up.client.refresh()
    await up.client.refresh()
    expect(server.total('api_calls')).toBe(8)
    expect(server.total('exports')).toBe(1)
    const sent = server.requests.filter((r) => r.path === '/v1/usage')
    expect(new Set(sent.map((r) => r.body.batchId)).size).toBe(server.batches.size)
    expect(sent.length).toBeGreaterThan(server.batches.size) // a resend happened, deduplicated
    expect(sent[0]!.body).toMatchObject({ key: token, deploymentId: up.client.deploymentId })
    await up.client.close()
    // Nothing left to send after a restart.
    const after = await start()
    await after.client.refresh()
    expect(server.total('api_calls')).toBe(8)
    await after.client.close()
  })

  it('clock tampering is reported to the server as a violation', async () => {
    const { client } = await start()
    await client.refresh()
    clock.set(NOW - 2 * 86_400_000)
    server.serverNow = () => NOW + 60_000 // the server keeps real time
    const state = await client.refresh()
    expect(state.code).toBe('clock_tampered')
    await client.refresh()
    expect(server.violations).toHaveLength(1)
    expect(server.violations[0]).toMatchObject({
      key: token,
      deploymentId: client.deploymentId,
      kind: 'clock_tampered',
      severity: 'high',
    })
    await client.close()
  })

  it('a clock that once ran ahead is not held against the client once corrected', async () => {
    await start().then(({ client }) => client.refresh().then(() => client.close()))
    clock.set(NOW + 3 * DAY) // wrong, ahead
    const { client } = await start({ serverUrl: await deadUrl() })
    await client.refresh()
    await client.close()
    clock.set(NOW + 60_000) // corrected
    const again = await start({ serverUrl: await deadUrl() })
    expect(again.client.state.code).toBe('valid')
    await again.client.close()
    const online = await start()
    expect((await online.client.refresh()).code).toBe('valid')
    await online.client.close()
  })

  it('a replayed older lease cannot undo a revocation', async () => {
    const { client } = await start()
    server.status = 'revoked'
    await client.refresh()
    expect(client.state.code).toBe('revoked')
    server.status = 'active'
    server.serverNow = () => NOW - 3_600_000 // an older lease
    await client.refresh()
    expect(client.state.code).toBe('revoked')
    await client.close()
  })

  it('refusals: too many deployments is over_limit, a node lock elsewhere is deployment_mismatch', async () => {
    const fresh = signLicense(sampleClaims({ issuedAt: new Date(NOW - DAY) }), vendor)
    server.refuse = { status: 409, code: 'TOO_MANY_DEPLOYMENTS' }
    const { client } = await start({ token: fresh })
    expect(client.state.code).toBe('grace_offline') // never activated, within grace of issue
    expect(await client.refresh()).toMatchObject({ code: 'over_limit', restricted: true })
    server.refuse = { status: 409, code: 'DEPLOYMENT_MISMATCH' }
    expect((await client.refresh()).code).toBe('deployment_mismatch')
    server.refuse = undefined
    expect((await client.refresh()).code).toBe('valid')
    await client.close()
  })

  it('a usage batch the server rejects as malformed is dropped, not retried forever', async () => {
    const { client, logger } = await start()
    client.recordUsage('api_calls', 1)
    server.rejectUsage = true
    await client.refresh()
    server.rejectUsage = false
    client.recordUsage('api_calls', 2)
    await client.refresh()
    expect(server.total('api_calls')).toBe(2)
    expect(logger.entries.some((e) => e.level === 'error' && /dropped/.test(e.message))).toBe(true)
    await client.close()
  })

  it('picks up a renewed key from tokenFile without a restart', async () => {
    const file = join(dir, 'license.key')
    writeFileSync(file, token)
    clock.set(EXPIRES + DAY)
    const { client } = await start({ token: undefined, tokenFile: file })
    expect((await client.refresh()).code).toBe('grace_expired')
    writeFileSync(
      file,
      signLicense(sampleClaims({ expiresAt: new Date(EXPIRES + 365 * DAY) }), vendor),
    )
    utimesSync(file, new Date(), new Date(Date.now() + 5000))
    expect((await client.refresh()).code).toBe('valid')
    await client.close()
  })
})

describe('jwksUrl instead of pinned keys', () => {
  it('fetches the JWKS, caches it for an offline restart, and follows a key rotation', async () => {
    const jwksUrl = `${server.url}/.well-known/jwks.json`
    const first = await start({ publicKeys: undefined, jwksUrl })
    expect(first.client.state.code).toBe('expired') // verified; never activated, issued long ago
    await first.client.refresh()
    expect(first.client.state.code).toBe('valid')
    // Rotation: the server now signs with a new key that the JWKS lists.
    const next = generateKeyPair('vendor-2')
    server.jwks = { keys: [...jwks.keys, exportPublicJwk(next.publicKey, next.kid)] }
    server.signer = next
    clock.advance(3_600_000)
    expect((await first.client.refresh()).code).toBe('valid')
    expect(first.logger.entries.some((e) => e.data.code === 'UNKNOWN_KEY')).toBe(true)
    await first.client.close()
    // Offline restart: the cached JWKS (with the new key) verifies the key and the lease.
    const offline = await start({
      publicKeys: undefined,
      jwksUrl: 'http://127.0.0.1:9/jwks.json',
      serverUrl: await deadUrl(),
    })
    expect(offline.client.state.code).toBe('valid')
    await offline.client.close()
  })

  it('with no JWKS reachable and none cached the state is invalid, and recovers later', async () => {
    server.mode = '500'
    const { client } = await start({
      publicKeys: undefined,
      jwksUrl: `${server.url}/.well-known/jwks.json`,
    })
    expect(client.state).toMatchObject({
      code: 'invalid',
      reason: 'No verification keys available',
    })
    expect((await client.refresh()).code).toBe('invalid')
    server.mode = 'ok'
    expect((await client.refresh()).code).toBe('valid')
    await client.close()
  })
})
