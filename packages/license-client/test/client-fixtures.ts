import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  KeySet,
  exportPublicJwk,
  generateKeyPair,
  signLease,
  signLicense,
  signRevocationList,
  type Ed25519KeyPair,
  type LeaseStatus,
  type Logger,
} from '@tollgate/license-client'
import { DAY, sampleClaims } from './helpers.js'

export const vendor = generateKeyPair('vendor-1')
export const stranger = generateKeyPair('stranger')
export const jwks = { keys: [exportPublicJwk(vendor.publicKey, vendor.kid)] }
export const keySet = KeySet.from(jwks)

export const LID = 'lic_01HZX3'
/** A one-year license issued 2026-01-01 (expiryGrace 14 d, offlineGrace 30 d, heartbeat 1 h). */
export const token = signLicense(sampleClaims(), vendor)
export const ISSUED = Date.parse('2026-01-01T00:00:00Z')
export const EXPIRES = Date.parse('2027-01-01T00:00:00Z')

/** A temp storage dir, removed by the returned cleanup. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-client-'))
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}

/** A logger that records what it is given, so tests can assert on reports. */
export function recordingLogger(): Logger & {
  entries: { level: string; data: Record<string, unknown>; message: string }[]
} {
  const entries: { level: string; data: Record<string, unknown>; message: string }[] = []
  const at = (level: string) => (data: Record<string, unknown>, message: string) =>
    void entries.push({ level, data, message })
  return { entries, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }
}

/** A controllable clock. */
export function fakeClock(start: number): {
  now: () => number
  set: (t: number) => void
  advance: (ms: number) => void
} {
  let t = start
  return { now: () => t, set: (v) => void (t = v), advance: (ms) => void (t += ms) }
}

export type FaultMode = 'ok' | '500' | 'hang' | 'close' | 'garbage' | 'unknown-key' | 'wrong-shape'

/**
 * A stand-in license server on a real port speaking the fleet contract (activate, heartbeat,
 * usage with batch-id dedup, revocations, violations), with switchable faults. Its clock is
 * `serverNow` so leases carry the test's fake time.
 */
export class FakeLicenseServer {
  mode: FaultMode = 'ok'
  status: LeaseStatus = 'active'
  revoked: string[] = []
  serverNow: () => number = Date.now
  signer: Ed25519KeyPair = vendor
  /** Store usage batches but answer 500, as if the ack was lost on the way back. */
  loseUsageAck = false
  /** Answer usage with 400 VALIDATION_FAILED. */
  rejectUsage = false
  /** Answer usage with 503 (storing nothing), while check-ins work. */
  failUsage = false
  /** Refuse activation and heartbeat with this error. */
  refuse: { status: number; code: string } | undefined
  /** Served at /.well-known/jwks.json. */
  jwks: { keys: unknown[] } = jwks
  readonly requests: { method: string; path: string; body: Record<string, unknown> }[] = []
  readonly batches = new Map<string, { metric: string; amount: number; period: string }[]>()
  readonly violations: Record<string, unknown>[] = []
  readonly #server: Server
  readonly #hanging = new Set<ServerResponse>()

  private constructor() {
    this.#server = createServer((req, res) => void this.#handle(req, res))
  }

  static async start(): Promise<FakeLicenseServer> {
    const s = new FakeLicenseServer()
    await new Promise<void>((resolve) => s.#server.listen(0, '127.0.0.1', resolve))
    return s
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`
  }

  /** Total amount per metric over all distinct batches the server accepted. */
  total(metric: string): number {
    let sum = 0
    for (const counters of this.batches.values())
      for (const c of counters) if (c.metric === metric) sum += c.amount
    return sum
  }

  count(path: string): number {
    return this.requests.filter((r) => r.path === path).length
  }

  async close(): Promise<void> {
    for (const res of this.#hanging) res.destroy()
    this.#server.closeAllConnections()
    await new Promise<void>((resolve) => this.#server.close(() => resolve()))
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    const raw = Buffer.concat(chunks).toString('utf8')
    const body = (raw ? JSON.parse(raw) : {}) as Record<string, unknown>
    const path = (req.url ?? '').split('?')[0]!
    this.requests.push({ method: req.method ?? '', path, body })
    switch (this.mode) {
      case '500':
        return json(res, 500, { error: 'boom', code: 'INTERNAL_ERROR', status: 500 })
      case 'hang':
        this.#hanging.add(res)
        return
      case 'close':
        return void req.socket.destroy()
      case 'garbage':
        res.writeHead(200, { 'content-type': 'application/json' })
        return void res.end('{"lease": "not a jws"')
      default:
        break
    }
    const now = this.serverNow()
    const lease = (): string =>
      signLease(
        {
          licenseId: LID,
          deploymentId: String(body.deploymentId),
          status: this.status,
          serverTime: new Date(now),
          validUntil: new Date(now + 30 * DAY),
        },
        this.mode === 'unknown-key' ? stranger : this.signer,
      )
    if (path === '/.well-known/jwks.json') return json(res, 200, this.jwks)
    if (path === '/v1/deployments/activate' || path === '/v1/deployments/heartbeat') {
      if (this.refuse) return json(res, this.refuse.status, { error: 'refused', ...this.refuse })
      if (this.mode === 'wrong-shape') return json(res, 200, { status: 'active', lease: 42 })
      return json(res, 200, { status: this.status, lease: lease() })
    }
    if (path === '/v1/usage') {
      if (this.failUsage)
        return json(res, 503, { error: 'down', code: 'SERVICE_UNAVAILABLE', status: 503 })
      if (this.rejectUsage)
        return json(res, 400, { error: 'bad', code: 'VALIDATION_FAILED', status: 400 })
      const id = String(body.batchId)
      const duplicate = this.batches.has(id)
      if (!duplicate) this.batches.set(id, body.counters as never)
      if (this.loseUsageAck)
        return json(res, 500, { error: 'lost', code: 'INTERNAL_ERROR', status: 500 })
      return json(res, 200, { accepted: !duplicate, duplicate })
    }
    if (path === '/v1/revocations') {
      const list = signRevocationList(
        {
          revoked: this.revoked,
          suspended: [],
          issuedAt: new Date(now),
          nextUpdate: new Date(now + DAY),
        },
        this.mode === 'unknown-key' ? stranger : this.signer,
      )
      return json(res, 200, { list })
    }
    if (path === '/v1/violations') {
      this.violations.push(body)
      return json(res, 201, { recorded: true })
    }
    return json(res, 404, { error: 'No such route', code: 'ROUTE_NOT_FOUND', status: 404 })
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' })
  res.end(JSON.stringify(body))
}

/** A URL with nothing listening (a port we bound and released). */
export async function deadUrl(): Promise<string> {
  const s = createServer()
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve))
  const { port } = s.address() as AddressInfo
  await new Promise<void>((resolve) => s.close(() => resolve()))
  return `http://127.0.0.1:${port}`
}
