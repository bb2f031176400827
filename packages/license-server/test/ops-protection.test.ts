// /metrics and /health behind OPS_TOKEN (issue 20): /metrics reveals admin activity.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from './helpers/test-app.js'
import { expectError } from './fleet-support.js'

const TOKEN = 'ops-token-0123456789abcdef'
let guarded: TestApp
let healthOpen: TestApp
beforeAll(async () => {
  guarded = await createTestApp({ config: { ops: { token: TOKEN, healthPublic: false } } })
  healthOpen = await createTestApp({ config: { ops: { token: TOKEN, healthPublic: true } } })
})
afterAll(async () => {
  await guarded.close()
  await healthOpen.close()
})

const get = (t: TestApp, url: string, token?: string) =>
  t.app.inject({ method: 'GET', url, headers: token ? { authorization: `Bearer ${token}` } : {} })

describe('OPS_TOKEN', () => {
  it('guards /metrics and /health: 401 without or with a wrong token, 200 with it', async () => {
    for (const url of ['/metrics', '/health']) {
      expectError(await get(guarded, url), 401, 'UNAUTHORIZED')
      expectError(await get(guarded, url, `${TOKEN}x`), 401, 'UNAUTHORIZED')
      expectError(await get(guarded, url, 'short'), 401, 'UNAUTHORIZED')
      expect((await get(guarded, url, TOKEN)).statusCode, url).toBe(200)
    }
    expect((await get(guarded, '/metrics', TOKEN)).body).toContain('tollgate_http_requests_total')
  })

  it('OPS_HEALTH_PUBLIC keeps /health open for balancers, /metrics still guarded', async () => {
    expect((await get(healthOpen, '/health')).statusCode).toBe(200)
    expectError(await get(healthOpen, '/metrics'), 401, 'UNAUTHORIZED')
  })

  it('is read from the environment and must be long enough', async () => {
    const { loadConfig } = await import('../src/config/load-config.js')
    expect(loadConfig({ OPS_TOKEN: TOKEN, OPS_HEALTH_PUBLIC: 'true' }).ops).toEqual({
      token: TOKEN,
      healthPublic: true,
    })
    expect(() => loadConfig({ OPS_TOKEN: 'short-secret' })).toThrow(/OPS_TOKEN/)
    // A config error never echoes the token.
    expect(() => loadConfig({ OPS_TOKEN: 'short-secret' })).not.toThrow(/short-secret/)
  })
})
