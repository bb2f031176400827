import type { KyselyPlugin } from 'kysely'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { LicenseRowCache } from '../src/licenses/license-cache.js'
import type { LicenseRow } from '../src/licenses/license.table.js'
import { SigningKeyStore } from '../src/signing-keys/signing-key-store.js'
import { post } from './helpers/fixtures.js'
import { createTestApp, type TestApp } from './helpers/test-app.js'

// Stale-while-revalidate and one load per key, for the two caches every validation goes
// through. Only Date is faked: the database and promises run for real.
const T0 = new Date('2026-12-01T12:00:00Z').getTime()
const at = (ms: number) => vi.setSystemTime(T0 + ms)
afterEach(() => {
  vi.useRealTimers()
})

function row(status: LicenseRow['status']): LicenseRow {
  const d = new Date(T0)
  return {
    id: 'lic_1',
    status,
    issued_at: d,
    created_at: d,
    updated_at: d,
    expires_at: null,
    suspended_at: null,
    revoked_at: null,
  } as LicenseRow
}

/** A fetch whose answers the test hands out, counting calls. */
function controlledFetch() {
  const pending: { resolve(r: LicenseRow | undefined): void; reject(e: Error): void }[] = []
  const fetch = vi.fn(
    () =>
      new Promise<LicenseRow | undefined>((resolve, reject) => pending.push({ resolve, reject })),
  )
  return { fetch, pending }
}

/**
 * Retries `check` on real time (vi.waitFor would advance the faked clock between tries, and
 * these tests need it to stand still).
 */
async function eventually(check: () => Promise<void> | void): Promise<void> {
  for (let i = 0; ; i++) {
    try {
      await check()
      return
    } catch (err) {
      if (i >= 200) throw err
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
  }
}

/** A 1 s cache holding an active row read at time 0 (the clock faked and standing there). */
async function primedCache() {
  vi.useFakeTimers({ toFake: ['Date'] })
  at(0)
  const cache = new LicenseRowCache(1000)
  const { fetch, pending } = controlledFetch()
  const first = cache.load('ten_1', 'lic_1', fetch)
  pending[0]!.resolve(row('active'))
  expect((await first)?.row.status).toBe('active')
  return { cache, fetch, pending }
}

const settled = async <T>(p: Promise<T>): Promise<boolean> => {
  let done = false
  void p.then(
    () => (done = true),
    () => (done = true),
  )
  for (let i = 0; i < 10; i++) await Promise.resolve()
  return done
}

describe('LicenseRowCache.load', () => {
  it('concurrent misses of one license share one fetch', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    at(0)
    const cache = new LicenseRowCache(1000)
    const { fetch, pending } = controlledFetch()
    const loads = Array.from({ length: 20 }, () => cache.load('ten_1', 'lic_1', fetch))
    expect(fetch).toHaveBeenCalledTimes(1)
    const active = row('active')
    pending[0]!.resolve(active)
    for (const got of await Promise.all(loads)) expect(got?.row).toBe(active)
  })

  it('answers from an entry due for refresh at once and refreshes it once in the background', async () => {
    const { cache, fetch, pending } = await primedCache()

    at(800) // past refreshAt (at most 750 ms), before until (1000 ms)
    const stale = cache.load('ten_1', 'lic_1', fetch)
    expect(await settled(stale)).toBe(true) // did not wait for the database
    expect((await stale)?.row.status).toBe('active')
    await cache.load('ten_1', 'lic_1', fetch)
    expect(fetch).toHaveBeenCalledTimes(2) // one background refresh for both reads

    pending[1]!.resolve(row('suspended'))
    await eventually(async () =>
      expect((await cache.load('ten_1', 'lic_1', fetch))?.row.status).toBe('suspended'),
    )
    expect(fetch).toHaveBeenCalledTimes(2)
  })

  it('never answers from an entry older than one TTL', async () => {
    const { cache, fetch, pending } = await primedCache()
    at(1000)
    const expired = cache.load('ten_1', 'lic_1', fetch)
    expect(await settled(expired)).toBe(false) // waits for the database
    pending[1]!.resolve(row('revoked'))
    expect((await expired)?.row.status).toBe('revoked')
  })

  it('a failed background refresh keeps the entry until it expires, then the error surfaces', async () => {
    const { cache, fetch, pending } = await primedCache()
    at(800)
    expect((await cache.load('ten_1', 'lic_1', fetch))?.row.status).toBe('active')
    pending[1]!.reject(new Error('database down'))
    await eventually(() => expect(fetch).toHaveBeenCalledTimes(1 + 1))
    // The next read retries the refresh, and still answers from the entry.
    await Promise.resolve()
    expect((await cache.load('ten_1', 'lic_1', fetch))?.row.status).toBe('active')
    expect(fetch).toHaveBeenCalledTimes(3)
    pending[2]!.reject(new Error('database down'))
    await settled(Promise.resolve()) // let the failed refresh finish before the entry expires
    at(1000)
    const expired = cache.load('ten_1', 'lic_1', fetch)
    pending[3]!.reject(new Error('database down'))
    await expect(expired).rejects.toThrow('database down')
  })

  it('a load running when the license changes is not joined by later reads', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    at(0)
    const cache = new LicenseRowCache(1000)
    const { fetch, pending } = controlledFetch()
    const before = cache.load('ten_1', 'lic_1', fetch) // reads the row before the change...
    cache.invalidate('ten_1', 'lic_1') // ...which commits now
    const after = cache.load('ten_1', 'lic_1', fetch)
    expect(fetch).toHaveBeenCalledTimes(2)
    pending[0]!.resolve(row('active'))
    pending[1]!.resolve(row('suspended'))
    expect((await before)?.row.status).toBe('active')
    expect((await after)?.row.status).toBe('suspended')
    // Nothing is cached for one TTL after a change: the stale read above did not stick.
    const again = cache.load('ten_1', 'lic_1', fetch)
    expect(fetch).toHaveBeenCalledTimes(3)
    pending[2]!.resolve(row('suspended'))
    expect((await again)?.row.status).toBe('suspended')
  })

  it('a license that no longer exists is not cached', async () => {
    const cache = new LicenseRowCache(1000)
    const { fetch, pending } = controlledFetch()
    const gone = cache.load('ten_1', 'lic_1', fetch)
    pending[0]!.resolve(undefined)
    expect(await gone).toBeUndefined()
    void cache.load('ten_1', 'lic_1', fetch)
    expect(fetch).toHaveBeenCalledTimes(2)
    pending[1]!.resolve(undefined)
  })
})

describe('SigningKeyStore key sets', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp()
  })
  afterAll(() => t.close())

  /** The app's database, counting the SELECTs that go through this handle. */
  function countingDb() {
    let selects = 0
    const plugin: KyselyPlugin = {
      transformQuery: (args) => {
        if (args.node.kind === 'SelectQueryNode') selects++
        return args.node
      },
      transformResult: (args) => Promise.resolve(args.result),
    }
    return { db: t.db.withPlugin(plugin), selects: () => selects }
  }

  it('serves a stale set while one reload runs, and waits only when it is twice the TTL old', async () => {
    const tenantId = t.app.tollgate.bootstrap.tenantId
    const store = new SigningKeyStore(t.app.tollgate.signingKeys.masterKey, { ttlMs: 1000 })
    const { db, selects } = countingDb()
    vi.useFakeTimers({ toFake: ['Date'] })
    at(0)
    const before = (await store.keySet(db, tenantId)).kids()
    expect(selects()).toBe(1)

    // Another instance rotates: this store does not hear of it.
    await post(t, '/v1/admin/signing-keys/rotate', undefined)
    at(1500)
    const stale = await Promise.all(Array.from({ length: 20 }, () => store.keySet(db, tenantId)))
    for (const set of stale) expect(set.kids()).toEqual(before)
    await eventually(async () =>
      expect((await store.keySet(db, tenantId)).kids()).toHaveLength(before.length + 1),
    )
    expect(selects()).toBe(2) // twenty stale reads, one reload

    at(1500 + 2000) // twice the TTL: callers wait, and share one query
    await post(t, '/v1/admin/signing-keys/rotate', undefined)
    const sets = await Promise.all(Array.from({ length: 20 }, () => store.keySet(db, tenantId)))
    for (const set of sets) expect(set.kids()).toHaveLength(before.length + 2)
    expect(selects()).toBe(3)
  })

  it('invalidate drops the set and any reload that started before it', async () => {
    const tenantId = t.app.tollgate.bootstrap.tenantId
    const store = new SigningKeyStore(t.app.tollgate.signingKeys.masterKey, { ttlMs: 60_000 })
    const { db, selects } = countingDb()
    const first = store.keySet(db, tenantId)
    store.invalidate(tenantId)
    const second = store.keySet(db, tenantId)
    await Promise.all([first, second])
    expect(selects()).toBe(2)
    await store.keySet(db, tenantId)
    expect(selects()).toBe(2) // the second load's set is cached
  })
})
