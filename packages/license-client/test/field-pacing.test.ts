// How long the client waits on a bad network: `refresh()` has an overall deadline, and a
// server's `Retry-After` (read by the transport from a real HTTP answer) holds the next round.
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http'
import { createServer as createTcpServer, type Server, type Socket } from 'node:net'
import type { AddressInfo } from 'node:net'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createLicenseClient } from '@tollgate/license-client'
import { jwks, recordingLogger, tempDir, token } from './client-fixtures.js'

/** Five days after the fixture license was issued: within its 30-day first-contact grace. */
const SOON_AFTER_ISSUE = Date.parse('2026-01-06T00:00:00Z')
let dir: string
let cleanup: () => void
let toClose: (() => Promise<void>)[] = []

beforeEach(() => {
  ;({ dir, cleanup } = tempDir())
  toClose = []
})
afterEach(async () => {
  for (const close of toClose) await close()
  cleanup()
})

function urlOf(server: Server | HttpServer): string {
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

/** A TCP server that accepts every connection and never writes a byte. */
async function silentServer(): Promise<string> {
  const sockets = new Set<Socket>()
  const server = createTcpServer((s) => void sockets.add(s))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  toClose.push(async () => {
    for (const s of sockets) s.destroy()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  })
  return urlOf(server)
}

describe('refresh() against a server that never answers', () => {
  it('resolves within 3 × the request timeout + 5 s, with an offline-tolerant state', async () => {
    const requestTimeoutMs = 300
    const client = await createLicenseClient({
      token,
      publicKeys: jwks,
      serverUrl: await silentServer(),
      storageDir: dir,
      autoHeartbeat: false,
      requestTimeoutMs,
      now: () => SOON_AFTER_ISSUE,
      logger: recordingLogger(),
    })
    const started = performance.now()
    const state = await client.refresh()
    const elapsed = performance.now() - started
    expect(elapsed).toBeLessThan(3 * requestTimeoutMs + 5_000)
    expect(['activating', 'grace_offline']).toContain(state.code)
    expect(client.hasFeature('sso')).toBe(true)
    await client.close()
  })
})

describe('Retry-After from the HTTP server', () => {
  it('a 503 with Retry-After holds the next round past the failure backoff (≤ 5 s)', async () => {
    const arrivals: number[] = []
    const server = createHttpServer((req, res) => {
      arrivals.push(performance.now())
      req.resume()
      res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '3600' })
      res.end(JSON.stringify({ error: 'busy', code: 'SERVICE_UNAVAILABLE', status: 503 }))
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    toClose.push(async () => {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    })
    const client = await createLicenseClient({
      token,
      publicKeys: jwks,
      serverUrl: urlOf(server),
      storageDir: dir,
      autoHeartbeat: true,
      requestTimeoutMs: 2_000,
      now: () => SOON_AFTER_ISSUE,
      logger: recordingLogger(),
    })
    // The first round starts at once; wait for its answer to arrive.
    while (arrivals.length === 0) await new Promise((r) => setTimeout(r, 20))
    await new Promise((r) => setTimeout(r, 200))
    const firstRound = arrivals.length
    // Without Retry-After the next round would come after at most BACKOFF_BASE_MS (5 s).
    await new Promise((r) => setTimeout(r, 5_500))
    expect(arrivals.length).toBe(firstRound)
    await client.close()
  }) // no 15 s bound: the client's start-up alone passed it at load 30 (the suite's net applies)
})
