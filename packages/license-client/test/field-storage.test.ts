// One machine, one seat, one owner of the storage dir; storage files that are not what they
// should be. Real files, a stand-in server on a real port.
import { createHash } from 'node:crypto'
import { execFileSync } from 'node:child_process'
import {
  existsSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { LicenseClientOptions } from '@tollgate/license-client'
import type { FakeLicenseServer } from './client-fixtures.js'
import { fakeServerField, startClient } from './helpers/field-env.js'

/** Five days after the fixture license was issued: within its 30-day first-contact grace. */
const SOON_AFTER_ISSUE = Date.parse('2026-01-06T00:00:00Z')
let dir: string
let server: FakeLicenseServer
fakeServerField((env) => ({ dir, server } = env))

function start(over: Partial<LicenseClientOptions> = {}) {
  return startClient({ serverUrl: server.url, storageDir: dir, requestTimeoutMs: 2_000, ...over })
}

function checked(data: unknown): string {
  const body = JSON.stringify(data)
  return `${JSON.stringify({ v: 1, sha256: createHash('sha256').update(body).digest('hex'), data })}\n`
}

describe('one seat per machine', () => {
  it('20 simultaneous first starts on one storage dir agree on one deployment id', async () => {
    const started = await Promise.all(Array.from({ length: 20 }, () => start()))
    const ids = new Set(started.map((s) => s.client.deploymentId))
    expect(ids.size).toBe(1)
    await Promise.all(started.map((s) => s.client.close()))
  })

  it('an unwritable storage dir keeps the same deployment id on every start, loudly', async () => {
    const file = join(dir, 'not-a-dir')
    writeFileSync(file, 'x')
    const a = await start({ storageDir: join(file, 'sub') })
    await a.client.close()
    const b = await start({ storageDir: join(file, 'sub') })
    await b.client.close()
    expect(b.client.deploymentId).toBe(a.client.deploymentId)
    expect(b.logger.entries.some((e) => /Could not keep the deployment id/.test(e.message))).toBe(
      true,
    )
  })

  it('a deployment.json deleted while running is written again with the same id', async () => {
    const { client } = await start()
    const id = client.deploymentId
    rmSync(join(dir, 'deployment.json'))
    await client.refresh()
    expect(readFileSync(join(dir, 'deployment.json'), 'utf8')).toContain(id)
    await client.close()
    const again = await start()
    expect(again.client.deploymentId).toBe(id)
    await again.client.close()
  })

  it('a storage dir copied from another machine re-activates with this fingerprint and reports it', async () => {
    writeFileSync(
      join(dir, 'deployment.json'),
      checked({ deploymentId: 'dep_copied', machineId: 'f'.repeat(32), createdAt: '2026-01-01' }),
    )
    const { client } = await start()
    expect(client.deploymentId).toBe('dep_copied')
    await client.refresh()
    expect(server.requests[0]!.path).toBe('/v1/deployments/activate')
    const fp = server.requests[0]!.body.fingerprint as { machineId: string }
    expect(fp.machineId).toMatch(/^[0-9a-f]{32}$/)
    expect(fp.machineId).not.toBe('f'.repeat(32))
    expect(server.violations).toEqual([
      expect.objectContaining({ kind: 'fingerprint_changed', deploymentId: 'dep_copied' }),
    ])
    expect(readFileSync(join(dir, 'deployment.json'), 'utf8')).toContain(fp.machineId)
    await client.close()
  })
})

describe('one owner of the storage dir', () => {
  it('two processes share one heartbeat loop; the other takes over when the owner stops', async () => {
    const a = await start({ autoHeartbeat: true })
    await expect.poll(() => a.client.state.code, { timeout: 10_000 }).toBe('valid')
    const b = await start({ autoHeartbeat: true })
    expect(b.client.deploymentId).toBe(a.client.deploymentId)
    expect(b.client.state.code).toBe('valid') // from the owner's lease on disk
    expect(server.count('/v1/deployments/activate')).toBe(1)
    expect(server.count('/v1/deployments/heartbeat')).toBe(0)
    a.client.recordUsage('api_calls', 3)
    b.client.recordUsage('api_calls', 4)
    await a.client.close()
    await b.client.flushUsage()
    // b notices the owner is gone (within its lock poll) and runs the loop: a check-in and the
    // usage of both processes.
    await expect
      .poll(() => server.count('/v1/deployments/heartbeat'), { timeout: 20_000 })
      .toBeGreaterThanOrEqual(1)
    await expect.poll(() => server.total('api_calls'), { timeout: 10_000 }).toBe(7)
    await b.client.close()
  }, 40_000)
})

describe('a follower before the first lease', () => {
  it("reports activating (not grace_offline 'never') until the owner's first lease arrives", async () => {
    server.mode = 'hang'
    server.serverNow = () => SOON_AFTER_ISSUE
    const a = await start({ autoHeartbeat: true, now: () => SOON_AFTER_ISSUE })
    expect(a.client.state.code).toBe('activating')
    const b = await start({ autoHeartbeat: true, now: () => SOON_AFTER_ISSUE })
    expect(b.client.state.code).toBe('activating')
    expect(b.client.hasFeature('sso')).toBe(true)
    // The owner's hanging call times out; its next round reaches the server and writes a lease,
    // which the follower picks up from the storage dir.
    server.mode = 'ok'
    await a.client.refresh()
    await a.client.refresh()
    expect(a.client.state.code).toBe('valid')
    await expect.poll(() => b.client.state.code, { timeout: 10_000 }).toBe('valid')
    expect(server.count('/v1/deployments/activate')).toBe(2) // the hung one and the owner's retry
    await b.client.close()
    await a.client.close()
  }, 30_000)

  it('says grace_offline once the owner could have finished its first round', async () => {
    server.mode = 'hang'
    const quick = { autoHeartbeat: true, requestTimeoutMs: 200, now: () => SOON_AFTER_ISSUE }
    const a = await start(quick)
    const b = await start(quick)
    expect(b.client.state.code).toBe('activating')
    // 3 × 200 ms + 5 s: the owner's first round is over whatever it did.
    await expect.poll(() => b.client.state.code, { timeout: 10_000 }).toBe('grace_offline')
    await b.client.close()
    await a.client.close()
  }, 30_000)
})

describe('a follower without its own heartbeat loop (autoHeartbeat: false)', () => {
  it('reports activating while another process owns the dir and has no lease yet', async () => {
    server.mode = 'hang'
    server.serverNow = () => SOON_AFTER_ISSUE
    const a = await start({ autoHeartbeat: true, now: () => SOON_AFTER_ISSUE })
    expect(a.client.state.code).toBe('activating')
    const b = await start({ autoHeartbeat: false, now: () => SOON_AFTER_ISSUE })
    expect(b.client.state.code).toBe('activating')
    expect(b.client.hasFeature('sso')).toBe(true)
    server.mode = 'ok'
    await a.client.refresh()
    await a.client.refresh()
    expect(a.client.state.code).toBe('valid')
    await expect.poll(() => b.client.state.code, { timeout: 10_000 }).toBe('valid')
    await b.client.close()
    await a.client.close()
  }, 30_000)

  it('says grace_offline once the owner could have finished its first round; alone, at once', async () => {
    server.mode = 'hang'
    const quick = { requestTimeoutMs: 200, now: () => SOON_AFTER_ISSUE }
    const alone = await start({ ...quick, autoHeartbeat: false })
    expect(alone.client.state.code).toBe('grace_offline') // nobody is checking in for it
    await alone.client.close()
    const a = await start({ ...quick, autoHeartbeat: true })
    const b = await start({ ...quick, autoHeartbeat: false })
    expect(b.client.state.code).toBe('activating')
    await expect.poll(() => b.client.state.code, { timeout: 10_000 }).toBe('grace_offline')
    await b.client.close()
    await a.client.close()
  }, 30_000)
})

describe('storage files that are not what they should be', () => {
  it('a FIFO, /dev/zero and a huge file in place of state files neither hang nor balloon start-up', async () => {
    execFileSync('mkfifo', [join(dir, 'lease.jws')])
    symlinkSync('/dev/zero', join(dir, 'usage.json'))
    writeFileSync(join(dir, 'revocations.jws'), Buffer.alloc(20 * 1024 * 1024, 0x61))
    const { client, logger } = await start()
    expect(client.state.code).not.toBe('invalid')
    const errors = logger.entries.filter((e) => e.data.code === 'STORAGE_ERROR')
    expect(errors.length).toBeGreaterThanOrEqual(3)
    client.recordUsage('api_calls', 2)
    await client.refresh()
    await client.close()
    expect(server.total('api_calls')).toBe(2)
  })

  it('orphaned temp files of a crashed process are removed at start; fresh ones are left', async () => {
    const old = join(dir, '.usage.json.4242.deadbeef.tmp')
    const fresh = join(dir, '.lease.jws.4243.cafebabe.tmp')
    writeFileSync(old, 'partial')
    writeFileSync(fresh, 'in progress')
    const past = new Date(Date.now() - 10 * 60_000)
    utimesSync(old, past, past)
    const { client } = await start()
    expect(existsSync(old)).toBe(false)
    expect(existsSync(fresh)).toBe(true)
    await client.close()
    expect(readdirSync(dir).filter((f) => f.endsWith('.lock'))).toEqual([])
  })
})
