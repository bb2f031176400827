import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AddressTracker } from '../src/deployments/address-tracker.js'
import { SigningKeyStore } from '../src/signing-keys/signing-key-store.js'
import { seedLicense } from './helpers/fixtures.js'
import { createTestApp, type TestApp } from './helpers/test-app.js'
import { publicPost } from './fleet-support.js'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp()
})
afterAll(() => t.close())

const H = 3_600_000

describe('per-heartbeat database work', () => {
  it('paced heartbeats (one per event-loop turn, below saturation) share status reads', async () => {
    const { token } = await seedLicense(t, { plan: { policy: { ...POLICY_MANY } } })
    for (let i = 0; i < 20; i++) {
      const res = await publicPost(t.app, '/v1/deployments/activate', {
        key: token,
        deploymentId: `paced-${i}`,
      })
      expect(res.statusCode, res.body).toBe(200)
    }
    const before = t.app.fleet.loader.queries
    const answers: Promise<{ statusCode: number }>[] = []
    for (let i = 0; i < 20; i++) {
      answers.push(
        publicPost(t.app, '/v1/deployments/heartbeat', { key: token, deploymentId: `paced-${i}` }),
      )
      // The next heartbeat arrives in a later turn, after this one's read was requested.
      await new Promise((r) => setImmediate(r))
    }
    for (const res of await Promise.all(answers)) expect(res.statusCode).toBe(200)
    // One query per heartbeat before; a window shares one between many.
    expect(t.app.fleet.loader.queries - before).toBeLessThanOrEqual(5)
  })

  it('remembers a (license, address) across hourly heartbeats, however many pairs it holds', () => {
    const tracker = new AddressTracker()
    const pair = { licenseId: 'lic_a', tenantId: 'ten_1', address: '10.0.0.1', seenAt: new Date(0) }
    expect(tracker.due([pair], 0).licenseIds).toEqual(['lic_a'])
    const crowd = Array.from({ length: 12_000 }, (_, i) => ({
      ...pair,
      licenseId: `lic_${i}`,
      address: `10.1.${i >> 8}.${i & 255}`,
    }))
    tracker.due(crowd, 0.5 * H)
    // The next hourly heartbeat: the address is rewritten (refresh), but it is not news.
    const next = tracker.due([pair], H)
    expect(next.sightings).toHaveLength(1)
    expect(next.licenseIds).toEqual([])
    // Past the memory window it counts as new again; the pair cap bounds memory.
    expect(tracker.due([pair], H + 26 * H).licenseIds).toEqual(['lic_a'])
    const small = new AddressTracker({ maxPairs: 100 })
    small.due(crowd, 0)
    expect(small.size).toBe(100)
  })

  it('remembers verified keys for a large fleet (far more than 20,000 keys)', () => {
    const store = new SigningKeyStore(Buffer.alloc(32))
    const info = (i: number) => ({
      tenantId: 'ten_1',
      kid: 'k1',
      licenseId: `lic_${i}`,
      tier: 'pro',
      nbf: 0,
    })
    for (let i = 0; i < 60_000; i++) store.rememberVerified(`TG1-token-${i}-x`, info(i))
    expect(store.recallVerified('TG1-token-0-x')?.licenseId).toBe('lic_0')
    expect(store.recallVerified('TG1-token-59999-x')?.licenseId).toBe('lic_59999')
    expect(store.recallVerified('TG1-token-60000-x')).toBeUndefined()
  })
})

const POLICY_MANY = {
  expiryGraceDays: 7,
  offlineGraceDays: 30,
  heartbeatIntervalS: 3600,
  maxDeployments: 100,
}
