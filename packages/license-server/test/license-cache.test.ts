import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../src/app.js'
import { LicenseRowCache } from '../src/licenses/license-cache.js'
import type { LicenseRow } from '../src/licenses/license.table.js'
import { post, seedLicense, validate } from './helpers/fixtures.js'
import { TEST_MASTER_KEY, createTestApp, type TestApp } from './helpers/test-app.js'

let t: TestApp
let uncached: FastifyInstance
beforeAll(async () => {
  t = await createTestApp({ config: { validateCacheMs: 60_000 } })
  // A second instance on the same database, without the validation cache.
  uncached = await buildApp({
    env: {},
    db: t.db,
    logger: false,
    config: { masterKey: TEST_MASTER_KEY, dataDir: 'memory://', validateCacheMs: 0 },
  })
})
afterAll(async () => {
  await uncached.close()
  await t.close()
})

describe('validation cache of license rows', () => {
  it('changes made on this instance apply at once, even with a long TTL', async () => {
    const { license, token } = await seedLicense(t)
    expect((await validate(t, token)).code).toBe('VALID')
    await post(t, `/v1/admin/licenses/${license.id}/suspend`, { reason: 'x' }, 200)
    expect((await validate(t, token)).code).toBe('SUSPENDED')
    await post(t, `/v1/admin/licenses/${license.id}/reinstate`, undefined, 200)
    expect((await validate(t, token)).code).toBe('VALID')
    await post(t, `/v1/admin/licenses/${license.id}/revoke`, { reason: 'x' }, 200)
    expect((await validate(t, token)).code).toBe('REVOKED')
  })

  it('an instance with the cache off always reads the database', async () => {
    const { license, token } = await seedLicense(t)
    const check = async () =>
      (
        await uncached.inject({
          method: 'POST',
          url: '/v1/licenses/validate',
          payload: { key: token },
        })
      ).json<{ code: string }>().code
    expect(await check()).toBe('VALID')
    expect((await validate(t, token)).code).toBe('VALID') // now cached on the caching instance
    // Change the row behind every cache's back: only the uncached instance sees it at once.
    await t.db
      .updateTable('licenses')
      .set({ status: 'suspended' })
      .where('id', '=', license.id)
      .execute()
    expect(await check()).toBe('SUSPENDED')
    expect((await validate(t, token)).code).toBe('VALID')
  })

  it('does not re-cache a row read while a change was committing', async () => {
    // What the cache holds: a fetch that finds nothing, so only a cached row comes back.
    const peek = (c: LicenseRowCache) => c.load('ten_1', 'lic_1', () => Promise.resolve(undefined))
    const cache = new LicenseRowCache(60_000)
    const at = new Date()
    const row = {
      id: 'lic_1',
      status: 'active',
      issued_at: at,
      created_at: at,
      updated_at: at,
      expires_at: null,
      suspended_at: null,
      revoked_at: null,
    } as LicenseRow
    cache.set('ten_1', 'lic_1', row)
    expect((await peek(cache))?.row).toBe(row)
    cache.invalidate('ten_1', 'lic_1')
    expect(await peek(cache)).toBeUndefined()
    cache.set('ten_1', 'lic_1', row) // a stale read finishing after the change
    expect(await peek(cache)).toBeUndefined()
    const off = new LicenseRowCache(0)
    off.set('ten_1', 'lic_1', row)
    expect(await peek(off)).toBeUndefined()
  })
})
