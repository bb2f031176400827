// Time in the field: clocks ahead, suspend/resume, stale leases while the network works.
// Fake time only through the client's `now`; the stand-in server signs with its own clock.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  createLicenseClient,
  signLicense,
  type LicenseClientOptions,
} from '@tollgate/license-client'
import {
  FakeLicenseServer,
  fakeClock,
  jwks,
  recordingLogger,
  tempDir,
  vendor,
} from './client-fixtures.js'
import { sampleClaims } from './helpers.js'

const NOW = Date.parse('2026-06-01T12:00:00Z')
const MIN = 60_000
let dir: string
let cleanup: () => void
let server: FakeLicenseServer

beforeEach(async () => {
  ;({ dir, cleanup } = tempDir())
  server = await FakeLicenseServer.start()
  server.serverNow = () => NOW
})
afterEach(async () => {
  await server.close()
  cleanup()
})

/** A license checking in every 5 minutes: a lease is stale 10 minutes after it was signed. */
const chatty = signLicense(
  sampleClaims({
    policy: {
      expiryGraceDays: 14,
      offlineGraceDays: 30,
      heartbeatIntervalS: 300,
      maxDeployments: 3,
    },
  }),
  vendor,
)

function start(now: () => number, over: Partial<LicenseClientOptions> = {}) {
  return createLicenseClient({
    token: chatty,
    publicKeys: jwks,
    serverUrl: server.url,
    storageDir: dir,
    autoHeartbeat: false,
    logger: recordingLogger(),
    now,
    ...over,
  })
}

describe('lease freshness is judged from receipt', () => {
  it('a machine whose clock runs 15 minutes ahead is valid right after a check-in, and after a restart', async () => {
    const clock = fakeClock(NOW + 15 * MIN)
    const client = await start(clock.now)
    expect((await client.refresh()).code).toBe('valid')
    clock.advance(1_000)
    expect((await client.refresh()).code).toBe('valid')
    await client.close()
    server.mode = 'close' // offline now
    const again = await start(clock.now)
    expect(again.state.code).toBe('valid')
    clock.advance(11 * MIN) // stale by receipt: offline grace, as it should be
    expect((await again.refresh()).code).toBe('grace_offline')
    await again.close()
  })
})

describe('checking in at once', () => {
  it('after a suspend/resume (wall time jumps past monotonic time) the client checks in without waiting for the heartbeat timer', async () => {
    const clock = fakeClock(NOW)
    const client = await start(clock.now, { autoHeartbeat: true, checkIntervalMs: 50 })
    await expect.poll(() => client.state.code, { timeout: 10_000 }).toBe('valid')
    const before = server.count('/v1/deployments/heartbeat')
    // The laptop sleeps for a month; the server's clock moved on too.
    clock.advance(30 * 86_400_000)
    server.serverNow = clock.now
    await expect
      .poll(() => server.count('/v1/deployments/heartbeat'), { timeout: 10_000 })
      .toBeGreaterThan(before)
    await expect.poll(() => client.state.code, { timeout: 10_000 }).toBe('valid')
    await client.close()
  })
})
