// kill -9 at random moments, several processes on one storage dir, against the real server:
// the server's count never exceeds what was recorded, and misses at most what was not yet
// durably on disk (the documented last-second window, narrowed here by flushUsage).
// 20 kills by default (the suite runs on 2 shared cores); TOLLGATE_KILL_ROUNDS=100 for the full run.
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { createLicenseClient } from '@tollgate/license-client'
import { bundleEntry, type Bundle } from '../../../scripts/lib/bundle.js'
import { recordingLogger, tempDir } from './client-fixtures.js'
import { startRealServer, type RealServer } from './real-server.js'

const KILLS = Number(process.env.TOLLGATE_KILL_ROUNDS ?? 20)
const PARALLEL = 3
const pkg = fileURLToPath(new URL('..', import.meta.url))
let server: RealServer
// Bundled once: 20 starts through tsx cost a second of CPU each.
let child: Bundle
const alive = new Set<ChildProcess>()

beforeAll(async () => {
  ;[server, child] = await Promise.all([
    startRealServer(),
    bundleEntry('packages/license-client/test/fixtures/usage-child.ts'),
  ])
})
afterAll(async () => {
  for (const c of alive) killGroup(c)
  await server?.close()
  child?.remove()
})

/** kill -9 to the child's whole process group (it leads one: spawned detached). */
function killGroup(c: ChildProcess): void {
  try {
    process.kill(-c.pid!, 'SIGKILL')
  } catch {
    // already gone
  }
}

/** Runs one child until a random moment after it is ready, then kill -9. */
function oneLife(token: string, dir: string): Promise<{ tried: number; durable: number }> {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, [child.file, server.url, dir], {
      cwd: pkg,
      env: { ...process.env, FIELD_TOKEN: token, FIELD_JWKS: JSON.stringify(server.jwks) },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    })
    alive.add(c)
    let tried = 0
    let durable = 0
    let buffer = ''
    let stderr = ''
    c.stderr.on('data', (d: Buffer) => void (stderr += d.toString()).slice(-2000))
    c.stdout.on('data', (d: Buffer) => {
      buffer += d.toString()
      let nl: number
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl)
        buffer = buffer.slice(nl + 1)
        if (line === 'ready') {
          setTimeout(() => killGroup(c), Math.floor(Math.random() * 700))
        } else if (line.startsWith('try ')) tried += Number(line.slice(4))
        else if (line.startsWith('durable ')) durable = Number(line.slice(8))
      }
    })
    c.on('exit', (code, signal) => {
      alive.delete(c)
      if (signal === 'SIGKILL') resolve({ tried, durable })
      else reject(new Error(`child exited ${code}: ${stderr}`))
    })
  })
}

it(`${KILLS} kill -9 at random moments, ${PARALLEL} processes on one storage dir: usage never over-counted`, async () => {
  const { dir, cleanup } = tempDir()
  try {
    const { id, token } = await server.issueLicense()
    let tried = 0
    let durable = 0
    let started = 0
    const lane = async (): Promise<void> => {
      while (started < KILLS) {
        started++
        const life = await oneLife(token, dir)
        tried += life.tried
        durable += life.durable
      }
    }
    await Promise.all(Array.from({ length: PARALLEL }, lane))
    // A last, orderly run drains what the killed processes left on disk.
    const drain = await createLicenseClient({
      token,
      publicKeys: server.jwks,
      serverUrl: server.url,
      storageDir: dir,
      autoHeartbeat: false,
      logger: recordingLogger(),
    })
    await drain.refresh()
    await drain.refresh()
    await drain.close()
    const counted = await server.usageTotal(id, 'events')
    console.log(
      `[field-kill] ${KILLS} kills: tried ${tried}, durable ${durable}, counted ${counted}`,
    )
    expect(counted).toBeLessThanOrEqual(tried)
    expect(counted).toBeGreaterThanOrEqual(durable)
    // One machine, one seat, whatever the kills did.
    const deployments = await server.api<{ items: { status: string }[] }>(
      'GET',
      `/v1/admin/licenses/${id}/deployments`,
    )
    expect(deployments.json.items.filter((d) => d.status === 'active')).toHaveLength(1)
  } finally {
    cleanup()
  }
}, 600_000)
