import { createHmac, timingSafeEqual } from 'node:crypto'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

/** One request the receiver got. */
export interface Received {
  headers: IncomingMessage['headers']
  body: string
  event: { id: string; type: string; createdAt: string; data: { object?: { id?: string } } }
  /** Secrets (of `secrets`) whose signature matched. */
  verifiedWith: string[]
  status: number
}

/** Checks a `Tollgate-Signature` header the way a vendor's receiver would. */
export function verifySignature(header: string, body: string, secret: string): boolean {
  const parts = header.split(',')
  const t = parts.find((p) => p.startsWith('t='))?.slice(2)
  if (!t) return false
  const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest()
  return parts
    .filter((p) => p.startsWith('v1='))
    .some((p) => {
      const got = Buffer.from(p.slice(3), 'hex')
      return got.length === expected.length && timingSafeEqual(got, expected)
    })
}

/**
 * A local HTTP receiver on 127.0.0.1 that checks signatures against `secrets`, fails the next
 * `failNext` requests with 500, and can hold responses until released (a slow receiver).
 */
export async function startReceiver() {
  const received: Received[] = []
  const state = {
    secrets: [] as string[],
    failNext: 0,
    alwaysFail: false,
    hold: false,
    held: [] as (() => void)[],
    waiters: [] as { n: number; resolve: () => void }[],
  }
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      const sig = String(req.headers['tollgate-signature'] ?? '')
      const fail = state.alwaysFail || state.failNext > 0
      if (state.failNext > 0) state.failNext -= 1
      const status = fail ? 500 : 200
      received.push({
        headers: req.headers,
        body,
        event: JSON.parse(body) as Received['event'],
        verifiedWith: state.secrets.filter((s) => verifySignature(sig, body, s)),
        status,
      })
      for (const w of state.waiters.filter((w) => received.length >= w.n)) w.resolve()
      state.waiters = state.waiters.filter((w) => received.length < w.n)
      const answer = () => res.writeHead(status).end(fail ? 'receiver says no' : 'ok')
      if (state.hold) state.held.push(answer)
      else answer()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    port,
    received,
    state,
    /** Resolves once `n` requests in total have arrived. */
    waitFor(n: number): Promise<void> {
      if (received.length >= n) return Promise.resolve()
      return new Promise((resolve) => state.waiters.push({ n, resolve }))
    },
    release() {
      state.hold = false
      for (const answer of state.held.splice(0)) answer()
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/** The receiver type. */
export type Receiver = Awaited<ReturnType<typeof startReceiver>>
