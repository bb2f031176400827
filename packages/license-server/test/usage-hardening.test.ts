// Usage batches (issue 20): de-duplication per license (another license reusing a batch id is
// its own batch), and bounded dates.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createClock } from './helpers/clock.js'
import { seedLicense } from './helpers/fixtures.js'
import { createTestApp, type TestApp } from './helpers/test-app.js'
import { expectError, publicPost } from './fleet-support.js'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp({ clock: createClock(new Date('2026-12-06T12:00:00Z')) })
})
afterAll(() => t.close())

const send = (key: string, batchId: string, period = '2026-12-06', amount = 1) =>
  publicPost(t.app, '/v1/usage', {
    key,
    deploymentId: 'inst-1',
    batchId,
    counters: [{ metric: 'api_calls', amount, period }],
  })

async function total(licenseId: string): Promise<number> {
  const res = await t.request('GET', `/v1/admin/licenses/${licenseId}/usage`)
  expect(res.statusCode, res.body).toBe(200)
  return res.json<{ items: { amount: number }[] }>().items.reduce((n, i) => n + i.amount, 0)
}

describe('usage batches', () => {
  it('a batch id is de-duplicated per license, not per tenant', async () => {
    const one = await seedLicense(t)
    const two = await seedLicense(t)
    const first = await send(one.token, 'batch-shared', '2026-12-06', 5)
    expect(first.json()).toEqual({ accepted: true, duplicate: false })
    const other = await send(two.token, 'batch-shared', '2026-12-06', 7)
    expect(other.json()).toEqual({ accepted: true, duplicate: false })
    const replay = await send(one.token, 'batch-shared', '2026-12-06', 5)
    expect(replay.json()).toEqual({ accepted: true, duplicate: true })
    expect(await total(one.license.id)).toBe(5)
    expect(await total(two.license.id)).toBe(7)
  })

  it('refuses days far in the past or in the future; accepts today, yesterday, a year back', async () => {
    const { token, license } = await seedLicense(t)
    for (const day of ['2999-12-31', '2026-12-08']) {
      expectError(await send(token, `b-${day}`, day), 400, 'VALIDATION_FAILED')
    }
    // Older than the usage retention window (at most 400 days): its batch id may be pruned.
    for (const day of ['1000-01-01', '2025-10-01']) {
      expectError(await send(token, `b-${day}`, day), 400, 'USAGE_PERIOD_TOO_OLD')
    }
    for (const day of ['2026-12-07', '2026-12-06', '2026-12-05', '2025-11-05']) {
      const res = await send(token, `ok-${day}`, day)
      expect(res.statusCode, `${day}: ${res.body}`).toBe(200)
    }
    expect(await total(license.id)).toBe(4)
  })
})
