// A storage dir that turns read-only under a running client (a remounted volume, a locked-down
// container): nothing is sent that is not durably on disk, so nothing is ever sent twice, and
// what was recorded meanwhile stays pending until the disk takes it. Root ignores permission
// bits, so the dir is a small tmpfs remounted read-only; without mount rights the test skips.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createLicenseClient, type LicenseClientOptions } from '@tollgate/license-client'
import { FakeLicenseServer, jwks, recordingLogger, token } from './client-fixtures.js'

/** Five days after the fixture license was issued: within its 30-day first-contact grace. */
const SOON_AFTER_ISSUE = Date.parse('2026-01-06T00:00:00Z')
let dir: string
let mounted = false
let server: FakeLicenseServer

function mount(...args: string[]): void {
  execFileSync('mount', args, { stdio: 'pipe' })
}

/** Why the tmpfs could not be mounted, or undefined when it was. */
function mountTmpfs(): string | undefined {
  try {
    mount('-t', 'tmpfs', '-o', 'size=4m,mode=0700', 'tmpfs', dir)
    mounted = true
    return undefined
  } catch (err) {
    return err instanceof Error ? err.message.split('\n')[0] : String(err)
  }
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tollgate-ro-'))
  server = await FakeLicenseServer.start()
  server.serverNow = () => SOON_AFTER_ISSUE
})
afterEach(async () => {
  await server.close()
  if (mounted) execFileSync('umount', [dir])
  mounted = false
  rmSync(dir, { recursive: true, force: true })
})

function start(over: Partial<LicenseClientOptions> = {}) {
  return createLicenseClient({
    token,
    publicKeys: jwks,
    serverUrl: server.url,
    storageDir: dir,
    autoHeartbeat: false,
    requestTimeoutMs: 2_000,
    now: () => SOON_AFTER_ISSUE,
    logger: recordingLogger(),
    ...over,
  })
}

/** Every batch id the client put on the wire, in order (one per usage request). */
function sentBatchIds(): string[] {
  return server.requests.filter((r) => r.path === '/v1/usage').map((r) => String(r.body.batchId))
}

describe('a storage dir that turns read-only', () => {
  it('sends nothing twice, keeps counts pending, and delivers them once the disk is back', async (ctx) => {
    const reason = mountTmpfs()
    if (reason !== undefined) {
      console.warn(`[tollgate] read-only storage: skipped, cannot mount a tmpfs (${reason})`)
      ctx.skip()
    }
    const a = await start()
    a.recordUsage('api_calls', 5)
    await a.refresh()
    expect(a.state.code).toBe('valid')
    expect(server.total('api_calls')).toBe(5)

    a.recordUsage('api_calls', 3)
    mount('-o', 'remount,ro', dir)
    expect(await a.flushUsage()).toBe(false)
    await a.refresh()
    await a.refresh()
    expect(server.total('api_calls')).toBe(5)

    // A restart (or a second process) on the read-only dir re-sends nothing from the file.
    const b = await start()
    await b.refresh()
    await b.refresh()
    await b.close()
    expect(server.total('api_calls')).toBe(5)

    mount('-o', 'remount,rw', dir)
    await a.refresh()
    expect(server.total('api_calls')).toBe(8)
    await a.close()

    const ids = sentBatchIds()
    expect(ids.length).toBeGreaterThanOrEqual(2)
    expect(new Set(ids).size).toBe(ids.length)
  }, 30_000)
})
