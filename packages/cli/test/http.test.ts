import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { licenseRevoke, run } from '@tollgate/cli'
import { testContext } from './helpers/context.js'

// A real HTTP server that answers the way a failing license server does; the happy paths are
// tested against the real license server in the integration tests.
type Handler = (req: IncomingMessage, res: ServerResponse) => void
let handler: Handler
const seen: { method?: string; url?: string; auth?: string; body: string }[] = []
let server: Server
let url: string

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = ''
    req.on('data', (c: Buffer) => (body += c.toString()))
    req.on('end', () => {
      seen.push({ method: req.method, url: req.url, auth: req.headers.authorization, body })
      handler(req, res)
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => {
  server.closeAllConnections()
  return new Promise<void>((r) => server.close(() => r()))
})

const json =
  (status: number, body: unknown, headers: Record<string, string> = {}): Handler =>
  (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers })
    res.end(JSON.stringify(body))
  }
const env = () => ({ TOLLGATE_URL: url, TOLLGATE_API_KEY: 'tg_admin_test' })

describe('server errors', () => {
  it('shows { error, code } as it is, with a hint, exit 1', async () => {
    handler = json(404, { error: 'License lic_x not found', code: 'NOT_FOUND', status: 404 })
    const t = testContext({ env: env() })
    expect(await run(['license', 'show', 'lic_x'], t.ctx)).toBe(1)
    expect(t.stderr()).toBe(
      'Error: License lic_x not found (NOT_FOUND, HTTP 404)\nHint: Check the id (list them with the matching `list` command); objects of another tenant are not visible\n',
    )
    expect(seen.at(-1)).toMatchObject({
      method: 'GET',
      url: '/v1/admin/licenses/lic_x',
      auth: 'Bearer tg_admin_test',
    })
  })

  it('passes the server code through under --json and hints Retry-After', async () => {
    handler = json(
      429,
      { error: 'Too many requests', code: 'RATE_LIMITED', status: 429 },
      { 'retry-after': '7' },
    )
    const t = testContext({ env: env() })
    expect(await run(['license', 'list', '--json'], t.ctx)).toBe(1)
    expect(JSON.parse(t.stderr())).toEqual({
      error: 'Too many requests',
      code: 'RATE_LIMITED',
      status: 429,
      hint: 'Rate limited: retry in 7 s',
    })
    expect(t.stdout()).toBe('')
  })

  it('explains a 5xx without a JSON body', async () => {
    handler = (_req, res) => {
      res.writeHead(502)
      res.end('bad gateway')
    }
    const t = testContext({ env: env() })
    expect(await run(['customer', 'list'], t.ctx)).toBe(1)
    expect(t.stderr()).toMatch(
      /GET \/v1\/admin\/customers failed: bad gateway \(HTTP 502\)\nHint: The server failed/,
    )
  })

  it('times out a server that never answers (--timeout), exit 1', async () => {
    handler = () => undefined // hold the request open
    const t = testContext({ env: env() })
    expect(await run(['--timeout', '200', 'plan', 'list'], t.ctx)).toBe(1)
    expect(t.stderr()).toMatch(/did not answer within 200 ms\nHint: .*--timeout/)
  })

  it('says the server is down when nothing listens, exit 1', async () => {
    const probe = createServer()
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r))
    const port = (probe.address() as AddressInfo).port
    await new Promise<void>((r) => probe.close(() => r()))
    const t = testContext({
      env: { TOLLGATE_URL: `http://127.0.0.1:${port}`, TOLLGATE_API_KEY: 'k' },
    })
    expect(await run(['license', 'list'], t.ctx)).toBe(1)
    expect(t.stderr()).toMatch(
      /Cannot reach the server at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)\nHint: Is the server running/,
    )
  })
})

describe('confirmation for destructive commands', () => {
  it('refuses without --yes when stdin is not a terminal, and sends nothing', async () => {
    handler = json(200, { id: 'lic_1', status: 'revoked' })
    const before = seen.length
    const t = testContext({ env: env(), tty: false })
    expect(await run(['license', 'revoke', 'lic_1', '--reason', 'refund'], t.ctx)).toBe(2)
    expect(t.stderr()).toMatch(/confirmation needed\nHint: Pass --yes/)
    expect(seen.length).toBe(before)
  })

  it('asks on a terminal; "no" aborts (exit 1) without a request, "yes" proceeds', async () => {
    handler = json(200, { id: 'lic_1', status: 'revoked' })
    const before = seen.length
    const no = testContext({ env: env(), tty: true, answer: false })
    expect(await run(['license', 'revoke', 'lic_1', '--reason', 'refund'], no.ctx)).toBe(1)
    expect(no.asked).toEqual(['Revoke license lic_1? This cannot be undone.'])
    expect(no.stderr()).toMatch(/Aborted; nothing was changed/)
    expect(seen.length).toBe(before)
    const yes = testContext({ env: env(), tty: true, answer: true })
    const res = await licenseRevoke({ id: 'lic_1', reason: 'refund' }, yes.ctx)
    expect(res.data).toMatchObject({ status: 'revoked' })
    expect(seen.at(-1)).toMatchObject({
      method: 'POST',
      url: '/v1/admin/licenses/lic_1/revoke',
      body: '{"reason":"refund"}',
    })
    expect(
      await run(
        ['license', 'revoke', 'lic_1', '--reason', 'refund', '--yes'],
        testContext({ env: env() }).ctx,
      ),
    ).toBe(0)
  })
})
