// Memory stays bounded under outside input (issue 20): unsigned keys naming made-up issuers,
// and caller-chosen request ids.
import { crc32 } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LruCache } from '../src/lib/lru-cache.js'
import { seedLicense } from './helpers/fixtures.js'
import { createTestApp, type TestApp } from './helpers/test-app.js'
import { publicPost } from './fleet-support.js'

let t: TestApp
let seeded: Awaited<ReturnType<typeof seedLicense>>
beforeAll(async () => {
  t = await createTestApp()
  seeded = await seedLicense(t)
})
afterAll(() => t.close())

const b64 = (s: string) => Buffer.from(s).toString('base64url')
/** An unsigned key (garbage signature, correct checksum) whose payload names `iss`. */
function unsignedKey(iss: string): string {
  const header = b64(JSON.stringify({ alg: 'EdDSA', kid: 'kid-x', typ: 'license+jws' }))
  const payload = b64(JSON.stringify({ iss, lid: 'lic_x', exp: 4_102_444_800 }))
  const body = `TG1-${header}.${payload}.${'A'.repeat(86)}`
  return `${body}-${crc32(body).toString(16).padStart(8, '0')}`
}

/**
 * Runs `send(0..count-1)` in consecutive batches of `size` concurrent requests. `inject` has no
 * socket to wait on, so this is not about I/O: interleaving a few requests per event-loop turn
 * costs about a quarter less CPU than strictly one after another (measured at 10; larger batches
 * gained nothing more and grew the heap). Batches stay small so peak memory stays bounded.
 */
async function inBatches(
  count: number,
  size: number,
  send: (i: number) => Promise<void>,
): Promise<void> {
  for (let start = 0; start < count; start += size) {
    const batch: Promise<void>[] = []
    for (let i = start; i < Math.min(start + size, count); i++) batch.push(send(i))
    await Promise.all(batch)
  }
}

function keySetCacheSize(): number {
  const s = t.app.tollgate.signingKeys.cacheStats().find((c) => c.name === 'signing_key_sets')
  expect(s).toBeDefined()
  return s!.size
}

describe('caches fed by outside input stay bounded', () => {
  it('5,000 validations naming distinct ~11 KB issuers cache nothing and answer INVALID', async () => {
    await publicPost(t.app, '/v1/licenses/validate', { key: seeded.token })
    const before = keySetCacheSize()
    const pad = 'x'.repeat(11_000)
    await inBatches(5_000, 10, async (i) => {
      const res = await publicPost(t.app, '/v1/licenses/validate', {
        key: unsignedKey(`${pad}${i}`),
      })
      if (i % 1000 === 0) {
        expect(res.statusCode, res.body).toBe(200)
        expect(res.json()).toMatchObject({ valid: false, code: 'INVALID' })
      }
    })
    expect(keySetCacheSize()).toBe(before)
  }, 180_000)

  it('well-formed but unknown tenant ids are looked up, never cached', async () => {
    const before = keySetCacheSize()
    await inBatches(300, 10, async (i) => {
      const res = await publicPost(t.app, '/v1/deployments/heartbeat', {
        key: unsignedKey(`ten_${i.toString(36).padStart(24, '0')}`),
        deploymentId: 'd1',
      })
      expect(res.statusCode, res.body).toBe(401)
    })
    expect(keySetCacheSize()).toBe(before)
  }, 120_000)

  it('exposes cache sizes and limits on /metrics', async () => {
    const text = (await t.app.inject({ method: 'GET', url: '/metrics' })).body
    expect(text).toMatch(/tollgate_cache_entries\{cache="signing_key_sets"\} \d+/)
    expect(text).toMatch(/tollgate_cache_max_entries\{cache="verified_tokens"\} \d+/)
  })

  it('an LRU keeps the most recently used entries within its limit', () => {
    const lru = new LruCache<string, number>('test', 3)
    for (const k of ['a', 'b', 'c']) lru.set(k, 1)
    lru.get('a')
    lru.set('d', 1)
    expect(lru.get('b')).toBeUndefined()
    expect(lru.get('a')).toBe(1)
    expect(lru.stats()).toMatchObject({ size: 3, max: 3, evictions: 1 })
  })
})

describe('X-Request-Id', () => {
  async function auditedRequestId(headers: Record<string, string>): Promise<string> {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/admin/customers',
      headers: { authorization: `Bearer ${t.adminKey}`, ...headers },
      payload: { name: 'Req id' },
    })
    expect(res.statusCode, res.body).toBe(201)
    const id = res.json<{ id: string }>().id
    const row = await t.db
      .selectFrom('audit_log')
      .select('request_id')
      .where('target_id', '=', id)
      .executeTakeFirstOrThrow()
    expect(res.headers['x-request-id']).toBe(row.request_id)
    return row.request_id!
  }

  it('keeps a well-formed caller id (a UUID, a trace id)', async () => {
    const uuid = '3f1c2a9e-6b2d-4d8e-9a51-0c7b8e2f4a10'
    expect(await auditedRequestId({ 'x-request-id': uuid })).toBe(uuid)
  })

  it('replaces an over-long or odd one with its own (never stored verbatim)', async () => {
    for (const bad of ['r'.repeat(8_000), 'a b', '<script>', 'x'.repeat(129), '"quoted"']) {
      const id = await auditedRequestId({ 'x-request-id': bad })
      expect(id).toMatch(/^req_[0-9a-z]+$/)
      expect(id.length).toBeLessThanOrEqual(128)
    }
  })
})
