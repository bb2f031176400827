import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { request } from 'undici'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  createLicenseClient,
  expressLicense,
  type LicenseClient,
  type LicenseClientOptions,
} from '@tollgate/license-client'
import {
  FakeLicenseServer,
  deadUrl,
  fakeClock,
  jwks,
  recordingLogger,
  tempDir,
  token,
  type FaultMode,
} from './client-fixtures.js'

const NOW = Date.parse('2026-06-01T12:00:00Z')
const HOUR = 3_600_000
let dir: string
let cleanup: () => void
let server: FakeLicenseServer
const clock = fakeClock(NOW)

beforeEach(async () => {
  ;({ dir, cleanup } = tempDir())
  clock.set(NOW)
  server = await FakeLicenseServer.start()
  server.serverNow = clock.now
})
// Process groups a test started: killed after it even when it failed or timed out.
const groups = new Set<number>()
afterEach(async () => {
  for (const pid of groups) {
    try {
      process.kill(-pid, 'SIGKILL')
    } catch {
      // already gone
    }
  }
  groups.clear()
  await server.close()
  cleanup()
})

async function start(over: Partial<LicenseClientOptions> = {}) {
  const logger = recordingLogger()
  const client = await createLicenseClient({
    token,
    publicKeys: jwks,
    serverUrl: server.url,
    storageDir: dir,
    logger,
    now: clock.now,
    autoHeartbeat: false,
    requestTimeoutMs: 400,
    ...over,
  })
  return { client, logger }
}

/** The host app: a route guarded by the client, answering while licensing misbehaves. */
async function hostApp(client: LicenseClient): Promise<{ url: string; server: Server }> {
  const guard = expressLicense(client).requireFeature('sso')
  const host = createServer((req, res) => guard(req, res, () => res.end('served')))
  await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${(host.address() as AddressInfo).port}`, server: host }
}

const faults: FaultMode[] = ['500', 'hang', 'close', 'garbage', 'unknown-key', 'wrong-shape']

describe('faults: the client keeps the right state and the host keeps serving', () => {
  it.each(faults)(
    'server fault "%s" after a good lease -> grace_offline, features kept',
    async (mode) => {
      const { client, logger } = await start()
      expect((await client.refresh()).code).toBe('valid')
      const goodLease = readFileSync(join(dir, 'lease.jws'), 'utf8')
      const host = await hostApp(client)
      server.mode = mode
      clock.advance(3 * HOUR)
      const refreshing = client.refresh()
      // While the round is in flight (hanging, for "hang"), the host app answers.
      const during = await request(host.url)
      expect([during.statusCode, await during.body.text()]).toEqual([200, 'served'])
      await expect(refreshing).resolves.toMatchObject({ code: 'grace_offline', daysLeft: 30 })
      expect(client.hasFeature('sso')).toBe(true)
      // The bad answer never replaced the good lease on disk.
      expect(readFileSync(join(dir, 'lease.jws'), 'utf8')).toBe(goodLease)
      expect(logger.entries.some((e) => e.level === 'warn')).toBe(true)
      if (mode === 'unknown-key') {
        expect(logger.entries.some((e) => e.data.code === 'UNKNOWN_KEY')).toBe(true)
      }
      // Far past the lease, still failing: restricted, and the host still answers (now 403).
      clock.advance(30 * 24 * HOUR)
      expect((await client.refresh()).code).toBe('expired')
      const after = await request(host.url)
      expect(after.statusCode).toBe(403)
      expect(await after.body.json()).toMatchObject({
        code: 'LICENSE_NOT_VALID',
        feature: 'sso',
        licenseState: 'expired',
      })
      host.server.close()
      await client.close()
    },
  )

  it('connection refused (nothing listening) keeps an offline start usable', async () => {
    const { client, logger } = await start()
    await client.refresh()
    await client.close()
    clock.advance(5 * HOUR)
    const again = await start({ serverUrl: await deadUrl() })
    expect(again.client.state.code).toBe('grace_offline')
    await expect(again.client.refresh()).resolves.toMatchObject({ code: 'grace_offline' })
    expect(again.logger.entries.some((e) => e.data.code === 'NETWORK_ERROR')).toBe(true)
    expect(logger.entries.filter((e) => e.level === 'error')).toEqual([])
    await again.client.close()
  })

  it('close() does not wait for a hanging server', async () => {
    const { client } = await start({ requestTimeoutMs: 60_000 })
    server.mode = 'hang'
    const refreshing = client.refresh()
    await new Promise((r) => setTimeout(r, 50))
    await client.close()
    await expect(refreshing).resolves.toBeDefined()
  })

  it('a garbage revocation list is refused and the held one kept', async () => {
    server.revoked = []
    const { client, logger } = await start({ offlineRevocations: true })
    await client.refresh()
    server.mode = 'unknown-key'
    await client.refresh()
    expect(logger.entries.some((e) => /revocation list/i.test(e.message))).toBe(true)
    expect(readFileSync(join(dir, 'revocations.jws'), 'utf8')).toMatch(/^ey/)
    await client.close()
  })

  it('timers never keep the process alive: a client that is never closed lets node exit', async () => {
    server.serverNow = Date.now
    const pkg = fileURLToPath(new URL('..', import.meta.url))
    const script = `
      import { createLicenseClient } from '@tollgate/license-client'
      const client = await createLicenseClient({
        token: ${JSON.stringify(token)}, publicKeys: ${JSON.stringify(jwks)},
        serverUrl: ${JSON.stringify(server.url)}, storageDir: ${JSON.stringify(dir)},
      })
      await client.refresh()
      console.log('state', client.state.code)
    `
    // One node process (tsx as a loader, not its CLI's wrapper process) in its own group. Start-up
    // takes what it takes on a loaded machine; the bound applies only after the client's work is
    // done ('state …' printed), when nothing but a forgotten timer could keep node alive.
    const child = spawn(
      process.execPath,
      ['--conditions=tollgate-source', '--import', 'tsx', '--input-type=module', '-e', script],
      { cwd: pkg, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
    )
    groups.add(child.pid!)
    const killGroup = (): void => {
      try {
        process.kill(-child.pid!, 'SIGKILL')
      } catch {
        // already gone
      }
    }
    let stdout = ''
    let exitBound: NodeJS.Timeout | undefined
    const out = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString()
        if (/^state /m.test(stdout)) exitBound ??= setTimeout(killGroup, 20_000)
      })
      child.on('exit', (code, signal) => resolve({ code: signal ? -1 : code, stdout }))
    }).finally(() => {
      clearTimeout(exitBound)
      killGroup()
    })
    expect(out.code).toBe(0)
    expect(out.stdout).toMatch(/state valid/)
    expect(server.count('/v1/deployments/activate')).toBe(1)
  })
})
