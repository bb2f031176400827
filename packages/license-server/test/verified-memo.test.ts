import { describe, expect, it } from 'vitest'
import { VerifiedTokenMemo } from '../src/signing-keys/verified-token-memo.js'

const info = (i: number) => ({
  tenantId: `ten_${i % 3}`,
  kid: 'k1',
  licenseId: `lic_${String(i).padStart(24, '0')}`,
  tier: i % 2 ? 'pro' : 'free',
  nbf: 1_700_000_000 + i,
})

describe('verified-key memo', () => {
  it('stays within its byte budget under many distinct keys and hits on repeated ones', () => {
    const budget = 128 * 1024
    const memo = new VerifiedTokenMemo(budget)
    expect(memo.capacity).toBeGreaterThan(1000)
    for (let i = 0; i < 6000; i++) {
      memo.remember(`TG1-token-${i}-x`, info(i))
      expect(memo.stats().bytes).toBeLessThanOrEqual(budget)
      // A key used on every request stays (second chance) while others come and go.
      expect(memo.recall('TG1-token-0-x')?.licenseId).toBe(info(0).licenseId)
    }
    const stats = memo.stats()
    expect(stats).toMatchObject({ name: 'verified_tokens', maxBytes: budget })
    expect(stats.size).toBe(memo.capacity)
    expect(stats.evictions).toBe(6000 - memo.capacity)
    expect(stats.hits).toBe(6000)
    // The newest keys are there with everything remembered about them; old ones went.
    expect(memo.recall('TG1-token-5999-x')).toEqual(info(5999))
    expect(memo.recall('TG1-token-3-x')).toBeUndefined()
    // Every key still held is found (the index survives evictions) and nothing else is.
    let found = 0
    for (let i = 0; i < 6000; i++) if (memo.recall(`TG1-token-${i}-x`)) found += 1
    expect(found).toBe(memo.capacity)
  })

  it('holds a million keys in the default 64 MiB', () => {
    const memo = new VerifiedTokenMemo()
    expect(memo.maxBytes).toBe(64 * 1024 * 1024)
    expect(memo.capacity).toBeGreaterThanOrEqual(1_000_000)
    memo.remember('TG1-a-x', info(1))
    expect(memo.stats().bytes).toBeLessThan(1024 * 1024) // grows on demand
  })

  it('skips what it cannot store and remembers nothing with a zero budget', () => {
    const memo = new VerifiedTokenMemo(0)
    memo.remember('TG1-a-x', info(1))
    expect(memo.recall('TG1-a-x')).toBeUndefined()
    const small = new VerifiedTokenMemo(64 * 1024)
    small.remember('TG1-long-x', { ...info(1), licenseId: 'lic_' + 'x'.repeat(60) })
    expect(small.recall('TG1-long-x')).toBeUndefined()
  })
})
