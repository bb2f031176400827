// TRUST_PROXY (issue 20): the client address is the right-most one no trusted proxy added, so a
// client cannot pick its own address with X-Forwarded-For.
import { afterEach, describe, expect, it } from 'vitest'
import { loadConfig } from '../src/config/load-config.js'
import { createTestApp, type TestApp } from './helpers/test-app.js'

let t: TestApp | undefined
afterEach(async () => {
  await t?.close()
  t = undefined
})

async function appBehind(
  trustProxy: ReturnType<typeof loadConfig>['trustProxy'],
): Promise<TestApp> {
  t = await createTestApp({
    config: {
      trustProxy,
      rateLimit: { windowMs: 60_000, publicMax: 5, adminMax: 1000, tiers: { default: 1000 } },
    },
  })
  return t
}

/** Requests from the balancer at 10.0.0.1 with a client-chosen X-Forwarded-For. */
function viaBalancer(app: TestApp, xff: string) {
  return app.app.inject({
    method: 'GET',
    url: '/.well-known/jwks.json',
    remoteAddress: '10.0.0.1',
    headers: { 'x-forwarded-for': xff },
  })
}

describe('TRUST_PROXY', () => {
  it('parses false, true (one hop), a hop count and trusted CIDRs; refuses anything else', () => {
    expect(loadConfig({}).trustProxy).toBe(false)
    expect(loadConfig({ TRUST_PROXY: 'false' }).trustProxy).toBe(false)
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(1)
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2)
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 192.168.1.7,::1' }).trustProxy).toEqual([
      '10.0.0.0/8',
      '192.168.1.7',
      '::1',
    ])
    for (const bad of ['maybe', '10.0.0.0/99', '300.1.1.1', '-1', '10.0.0.0/8,,']) {
      expect(() => loadConfig({ TRUST_PROXY: bad }), bad).toThrow(/TRUST_PROXY/)
    }
  })

  it('with TRUST_PROXY=true (one hop), rotating X-Forwarded-For does not bypass the per-IP limit', async () => {
    const app = await appBehind(loadConfig({ TRUST_PROXY: 'true' }).trustProxy)
    const codes: number[] = []
    for (let i = 0; i < 8; i++) {
      codes.push((await viaBalancer(app, `203.0.113.${i}, 198.51.100.9`)).statusCode)
    }
    // The balancer appended the real client (198.51.100.9): that address is limited.
    expect(codes.slice(0, 5).every((c) => c === 200)).toBe(true)
    expect(codes.slice(5).every((c) => c === 429)).toBe(true)
    // Another client behind the same balancer has its own budget (the hop is honoured).
    expect((await viaBalancer(app, '203.0.113.1, 198.51.100.10')).statusCode).toBe(200)
  })

  it('with trusted CIDRs, the right-most untrusted address is the client', async () => {
    const app = await appBehind(['10.0.0.0/8'])
    const codes: number[] = []
    for (let i = 0; i < 8; i++) {
      // A spoofed left part, the real client, then an internal proxy hop.
      codes.push((await viaBalancer(app, `203.0.113.${i}, 198.51.100.7, 10.0.0.9`)).statusCode)
    }
    expect(codes.filter((c) => c === 429)).toHaveLength(3)
    // Another real client behind the same proxies has its own budget.
    expect((await viaBalancer(app, '198.51.100.8, 10.0.0.9')).statusCode).toBe(200)
  })
})
