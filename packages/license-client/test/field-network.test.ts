// The client's manners on the network: quiet logs while offline, an explicit first state,
// bounded answers.
import { describe, expect, it } from 'vitest'
import type { LicenseClientOptions, LicenseState } from '@tollgate/license-client'
import { deadUrl, type FakeLicenseServer } from './client-fixtures.js'
import { fakeServerField, startClient } from './helpers/field-env.js'

/** Five days after the fixture license was issued: within its 30-day first-contact grace. */
const SOON_AFTER_ISSUE = Date.parse('2026-01-06T00:00:00Z')
let dir: string
let server: FakeLicenseServer
fakeServerField((env) => ({ dir, server } = env))

function start(over: Partial<LicenseClientOptions> = {}) {
  return startClient({ serverUrl: server.url, storageDir: dir, requestTimeoutMs: 2_000, ...over })
}

describe('logging while offline', () => {
  it('logs the first failure once and stays quiet through the outage', async () => {
    const seed = await start()
    await seed.client.refresh()
    await seed.client.close()
    const { client, logger } = await start({ serverUrl: await deadUrl() })
    for (let i = 0; i < 6; i++) await client.refresh()
    const warnings = logger.entries.filter((e) => e.level === 'warn')
    expect(warnings).toHaveLength(1)
    expect(warnings[0]!.message).toMatch(/failed/)
    await client.close()
  })

  it('says when the server is reachable again, with the number of failed rounds', async () => {
    const { client, logger } = await start()
    server.mode = 'close'
    await client.refresh()
    await client.refresh()
    server.mode = 'ok'
    await client.refresh()
    const back = logger.entries.find((e) => /reachable again/.test(e.message))
    expect(back?.data.failedRounds).toBe(2)
    await client.close()
  })

  it('names the JWKS URL when it cannot be fetched', async () => {
    const url = `${await deadUrl()}/.well-known/jwks.json`
    const { logger } = await start({ publicKeys: undefined, jwksUrl: url }).then(async (r) => {
      await r.client.close()
      return r
    })
    expect(logger.entries.some((e) => e.message.includes(url))).toBe(true)
  })
})

describe('the first state', () => {
  it('is activating (with the paid features) until the first activation finishes, and is reported', async () => {
    server.mode = 'hang'
    const seen: [string, string][] = []
    const { client } = await start({
      now: () => SOON_AFTER_ISSUE,
      autoHeartbeat: true,
      onStateChange: (s: LicenseState, prev: LicenseState) => void seen.push([prev.code, s.code]),
    })
    expect(client.state.code).toBe('activating')
    expect(client.hasFeature('sso')).toBe(true)
    expect(seen[0]).toEqual(['activating', 'activating'])
    await client.close()
  })
})

describe('answers are bounded per endpoint', () => {
  it('a 6 MB check-in answer is refused unparsed', async () => {
    server.mode = 'huge'
    const { client, logger } = await start({ now: () => SOON_AFTER_ISSUE })
    await client.refresh()
    expect(server.count('/v1/deployments/activate')).toBe(1)
    expect(client.state.code).toBe('grace_offline')
    expect(logger.entries.some((e) => /over 65536|larger than 65536/.test(e.message))).toBe(true)
    await client.close()
  })
})
