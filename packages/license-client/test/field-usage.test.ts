// Usage exactly once under field conditions, against the real license server: a full disk,
// a month offline with many metrics, one counter the server refuses, a usage endpoint that
// keeps failing while heartbeats work.
import { createHash } from 'node:crypto'
import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  createLicenseClient,
  UsageInvalidError,
  type LicenseClientOptions,
} from '@tollgate/license-client'
import {
  FakeLicenseServer,
  deadUrl,
  jwks as fakeJwks,
  recordingLogger,
  tempDir,
  token as fakeToken,
} from './client-fixtures.js'
import { startRealServer, type RealServer } from './real-server.js'

const DAY = 86_400_000
let server: RealServer
let dir: string
let cleanup: () => void

beforeAll(async () => {
  server = await startRealServer()
})
afterAll(async () => {
  await server?.close()
})
beforeEach(() => {
  ;({ dir, cleanup } = tempDir())
})
afterEach(() => cleanup())

function client(token: string, over: Partial<LicenseClientOptions> = {}) {
  return createLicenseClient({
    token,
    publicKeys: server.jwks,
    serverUrl: server.url,
    storageDir: dir,
    autoHeartbeat: false,
    logger: recordingLogger(),
    ...over,
  })
}

/** The usage file as the client writes it (checksummed JSON). */
function writeUsageFile(path: string, data: unknown): void {
  const body = JSON.stringify(data)
  const sha256 = createHash('sha256').update(body).digest('hex')
  writeFileSync(path, `${JSON.stringify({ v: 1, sha256, data })}\n`)
}

describe('usage is counted exactly once', () => {
  it('a month offline with 30 metrics (900 counters) arrives whole, in batches under the body limit', async () => {
    const { id, token } = await server.issueLicense()
    let now = Date.now() - 30 * DAY
    const offline = await client(token, { serverUrl: await deadUrl(), now: () => now })
    let recorded = 0
    for (let day = 0; day < 30; day++, now += DAY) {
      for (let m = 0; m < 30; m++) {
        offline.recordUsage(`metric_with_a_rather_long_name_${m}`, 100)
        recorded += 100
      }
    }
    await offline.close()
    const online = await client(token)
    await online.refresh()
    await online.close()
    let total = 0
    for (let m = 0; m < 30; m++)
      total += await server.usageTotal(id, `metric_with_a_rather_long_name_${m}`)
    expect(total).toBe(recorded)
  })

  it('one counter the server refuses is dropped alone; the others of its batch arrive', async () => {
    const { id, token } = await server.issueLicense()
    const first = await client(token)
    await first.refresh()
    await first.close()
    // A batch written by an older client: one counter has a day the server refuses.
    const today = new Date().toISOString().slice(0, 10)
    writeUsageFile(join(dir, 'usage.json'), {
      open: [],
      pending: [
        {
          batchId: 'b-old-1',
          counters: [
            { metric: 'exports', amount: 5, period: today },
            { metric: 'exports', amount: 7, period: '2026-02-30' },
            { metric: 'api_calls', amount: 11, period: today },
            { metric: 'reports', amount: 13, period: today },
          ],
        },
      ],
    })
    const logger = recordingLogger()
    const again = await client(token, { logger })
    await again.refresh()
    await again.close()
    expect(await server.usageTotal(id, 'exports')).toBe(5)
    expect(await server.usageTotal(id, 'api_calls')).toBe(11)
    expect(await server.usageTotal(id, 'reports')).toBe(13)
    const dropped = logger.entries.filter((e) => e.data.code === 'USAGE_REFUSED')
    expect(dropped).toHaveLength(1)
    expect(dropped[0]!.data.counter).toMatchObject({ amount: 7, period: '2026-02-30' })
  })

  it('amounts are validated when recorded: logged, or a typed error when asked for', async () => {
    const { id, token } = await server.issueLicense()
    const logger = recordingLogger()
    const lax = await client(token, { logger })
    expect(lax.recordUsage('api_calls', 1e16)).toBe(false)
    expect(lax.recordUsage('api_calls', -1)).toBe(false)
    expect(lax.recordUsage('api calls', 1)).toBe(false)
    expect(lax.recordUsage('api_calls', 4)).toBe(true)
    expect(logger.entries.filter((e) => e.data.code === 'USAGE_INVALID')).toHaveLength(3)
    await lax.refresh()
    await lax.close()
    expect(await server.usageTotal(id, 'api_calls')).toBe(4)
    const strict = await client(token, { strictUsage: true })
    expect(() => strict.recordUsage('api_calls', Number.POSITIVE_INFINITY)).toThrow(
      UsageInvalidError,
    )
    await strict.close()
  })
})

describe('a usage endpoint that keeps failing while heartbeats succeed', () => {
  it('merges pending usage instead of dropping it, and delivers it all once the endpoint recovers', async () => {
    const fake = await FakeLicenseServer.start()
    try {
      fake.failUsage = true
      const c = await createLicenseClient({
        token: fakeToken,
        publicKeys: fakeJwks,
        serverUrl: fake.url,
        storageDir: dir,
        autoHeartbeat: false,
        logger: recordingLogger(),
      })
      let recorded = 0
      for (let round = 0; round < 60; round++) {
        c.recordUsage('api_calls', 2)
        recorded += 2
        await c.refresh()
      }
      const file = JSON.parse(readFileSync(join(dir, 'usage.json'), 'utf8')) as {
        data: { pending: unknown[] }
      }
      // Today's code seals a new batch per round (60 pending, the oldest dropped past 1,000).
      expect(file.data.pending.length).toBeLessThanOrEqual(1)
      fake.failUsage = false
      await c.refresh()
      await c.close()
      expect(fake.total('api_calls')).toBe(recorded)
    } finally {
      await fake.close()
    }
  }, 60_000)
})

/** A small tmpfs we can fill; undefined (with the reason) when it cannot be mounted here. */
function mountTmpfs(path: string): string | undefined {
  mkdirSync(path, { recursive: true })
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=512k,mode=0700', 'tmpfs', path], {
      stdio: 'pipe',
    })
    return undefined
  } catch (err) {
    return `cannot mount a tmpfs (${(err as Error).message.split('\n')[0]})`
  }
}

describe('a full disk', () => {
  it('never sends usage it could not persist, and delivers it exactly once after space returns', async (ctx) => {
    const mnt = join(dir, 'mnt')
    const why = mountTmpfs(mnt)
    if (why) {
      console.warn(`[field-usage] full-disk test skipped: ${why}`)
      ctx.skip()
    }
    try {
      const storageDir = join(mnt, 'state')
      const { id, token } = await server.issueLicense()
      const first = await client(token, { storageDir })
      await first.refresh() // activated, lease on disk
      first.recordUsage('api_calls', 10)
      expect(await first.flushUsage()).toBe(true)
      // Fill the disk.
      const filler = join(mnt, 'filler')
      try {
        writeFileSync(filler, Buffer.alloc(1024 * 1024))
      } catch {
        /* ENOSPC: full */
      }
      first.recordUsage('api_calls', 5)
      await first.refresh() // sealing cannot be written: nothing may be sent
      await first.close()
      expect(await server.usageTotal(id, 'api_calls')).toBe(0)
      // A restart while the disk is still full: the old file is all there is.
      const second = await client(token, { storageDir })
      second.recordUsage('api_calls', 1)
      await second.refresh()
      await second.close()
      expect(await server.usageTotal(id, 'api_calls')).toBe(0)
      rmSync(filler, { force: true })
      const third = await client(token, { storageDir })
      await third.refresh()
      await third.refresh()
      await third.close()
      // 10 made it to disk before the disk filled; 5 and 1 lived only in memory of processes
      // that closed on a full disk (logged): lost, never counted twice.
      expect(await server.usageTotal(id, 'api_calls')).toBe(10)
    } finally {
      execFileSync('umount', ['-l', mnt], { stdio: 'pipe' })
    }
  })
})
