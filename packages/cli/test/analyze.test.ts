import { readFileSync, writeFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { customerCreate, licenseIssue, login, planCreate, run } from '@tollgate/cli'
import { testContext, type TestContext } from './helpers/context.js'
import { startServer, type RunningServer } from './helpers/server.js'

// `tollgate analyze` against the real license server and its real enclave runner. Licenses are
// set up through an admin profile; the analyses themselves run from a context with no admin
// key at all (only TOLLGATE_URL), since the license key is what authorises them.
interface Fixture {
  id: string
  labels: string[]
  bytecode: string
}
const fixtures = (
  JSON.parse(
    readFileSync(
      fileURLToPath(new URL('../../enclave-runner/test/fixtures/fixtures.json', import.meta.url)),
      'utf8',
    ),
  ) as { fixtures: Fixture[] }
).fixtures
const target = fixtures.find((f) => f.id === 'KillableOpen')

const LONG = 120_000
let server: RunningServer
let admin: TestContext
let proxy: Server
let proxyUrl: string
let entitledKey: string
let unentitledKey: string

type Obj = Record<string, unknown>
const data = <T = Obj>(r: { data: unknown }): T => r.data as T

async function issueWith(entitlements: string[]): Promise<string> {
  const customer = data<{ id: string }>(
    await customerCreate({ name: 'Audit Co', email: 'sec@audit.test' }, admin.ctx),
  )
  const plan = data<{ id: string }>(
    await planCreate(
      {
        name: `Scanner ${entitlements.join('+')}`,
        product: 'scanner',
        tier: 'pro',
        entitlement: entitlements,
        durationDays: 365,
      },
      admin.ctx,
    ),
  )
  return data<{ token: string }>(
    await licenseIssue({ customer: customer.id, plan: plan.id }, admin.ctx),
  ).token
}

// A man in the middle that edits one finding of every analysis answer and passes the rest on.
async function startTamperingProxy(upstream: string): Promise<Server> {
  const readBody = async (req: IncomingMessage): Promise<string> => {
    let body = ''
    for await (const chunk of req) body += String(chunk)
    return body
  }
  const s = createServer((req, res) => {
    void (async () => {
      const body = req.method === 'POST' ? await readBody(req) : undefined
      const up = await fetch(upstream + (req.url ?? '/'), {
        method: req.method ?? 'GET',
        headers: { 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body }),
      })
      let text = await up.text()
      if (req.url === '/v1/analyze' && up.status === 200) {
        const doc = JSON.parse(text) as { signed: { result: { findings: { severity: string }[] } } }
        const first = doc.signed.result.findings[0]
        if (first) first.severity = 'info'
        text = JSON.stringify(doc)
      }
      res.writeHead(up.status, { 'content-type': 'application/json' }).end(text)
    })().catch(() => res.writeHead(502).end())
  })
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve))
  return s
}

beforeAll(async () => {
  server = await startServer()
  admin = testContext({ stdin: `${server.adminKey}\n` })
  await login({ url: server.url, withToken: true }, admin.ctx)
  entitledKey = await issueWith(['analysis:vulnerability'])
  unentitledKey = await issueWith(['analysis:mev'])
  proxy = await startTamperingProxy(server.url)
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`
}, LONG)
afterAll(async () => {
  await new Promise((resolve) => proxy?.close(resolve))
  await server?.close()
  admin?.cleanup()
})

/** A fresh context with no profile and no admin key, the code file and license key in its cwd. */
function analyst(url = server.url, key = entitledKey): TestContext {
  if (!target) throw new Error('fixture KillableOpen missing from fixtures.json')
  const t = testContext({ env: { TOLLGATE_URL: url } })
  // Wrapped and 0x-prefixed, as people paste it: the command must tolerate both.
  const hex = `0x${target.bytecode.replace(/^0x/, '')}`.replace(/(.{64})/g, '$1\n')
  writeFileSync(join(t.dir, 'code.hex'), `${hex}\n`)
  writeFileSync(join(t.dir, 'license.key'), `${key}\n`)
  return t
}

describe('tollgate analyze', () => {
  it(
    'prints verified findings for a positive fixture (trust on first use, noted)',
    async () => {
      const t = analyst()
      const args = ['analyze', 'code.hex', '--type', 'vulnerability', '--key', 'license.key']
      expect(await run([...args, '--allow-emulated'], t.ctx), t.stderr()).toBe(0)
      expect(t.stdout()).toMatch(/^VERIFIED {2}\d+ finding\(s\), vulnerability/)
      expect(t.stdout()).toMatch(/SEVERITY\s+DETECTOR\s+PC\s+OPCODE\s+REASON/)
      expect(t.stdout()).toContain('unprotected-selfdestruct')
      expect(t.stdout()).toContain('SELFDESTRUCT')
      expect(t.stderr()).toContain('trust on first use')
      t.cleanup()
    },
    LONG,
  )

  it(
    'verifies against pinned --pcrs/--root (no note), and --json prints the verified result',
    async () => {
      const t = analyst()
      const pins = await (await fetch(`${server.url}/v1/analyze/attestation`)).text()
      writeFileSync(join(t.dir, 'pins.json'), pins)
      const root = (JSON.parse(pins) as { rootCertificatePem: string }).rootCertificatePem
      writeFileSync(join(t.dir, 'root.pem'), root)
      const code = await run(
        ['analyze', 'code.hex', '--type', 'vulnerability', '--allow-emulated', '--json'].concat([
          '--pcrs',
          'pins.json',
          '--root',
          'root.pem',
        ]),
        { ...t.ctx, env: { ...t.ctx.env, TOLLGATE_LICENSE: entitledKey } },
      )
      expect(code, t.stderr()).toBe(0)
      expect(t.stderr()).not.toContain('trust on first use')
      const out = JSON.parse(t.stdout()) as {
        verified: boolean
        findings: { detector: string }[]
        emulated: boolean
        trust: { source: string }
      }
      expect(out.verified).toBe(true)
      expect(out.emulated).toBe(true)
      expect(out.trust.source).toBe('pinned')
      expect(out.findings.map((f) => f.detector)).toContain('unprotected-selfdestruct')
      t.cleanup()
    },
    LONG,
  )

  it(
    'rejects a result whose finding was edited in transit (exit 1, RESULT_BAD_SIGNATURE)',
    async () => {
      const t = analyst(proxyUrl)
      const args = ['analyze', 'code.hex', '--type', 'vulnerability', '--key', 'license.key']
      expect(await run([...args, '--allow-emulated', '--json'], t.ctx)).toBe(1)
      expect(JSON.parse(t.stdout())).toMatchObject({
        verified: false,
        code: 'RESULT_BAD_SIGNATURE',
      })
      t.cleanup()
    },
    LONG,
  )

  it(
    'refuses the emulated root without --allow-emulated, and a pinned measurement of another build',
    async () => {
      const t = analyst()
      const args = ['analyze', 'code.hex', '--type', 'vulnerability', '--key', 'license.key']
      expect(await run(args, t.ctx)).toBe(1)
      expect(t.stdout()).toContain('NOT VERIFIED  EMULATED_NOT_ALLOWED')
      expect(t.stderr()).toContain('--allow-emulated')

      const other = analyst()
      const pins = JSON.parse(
        await (await fetch(`${server.url}/v1/analyze/attestation`)).text(),
      ) as { measurement: Record<string, string> }
      pins.measurement['0'] = 'ab'.repeat(48)
      writeFileSync(join(other.dir, 'pins.json'), JSON.stringify(pins))
      expect(await run([...args, '--allow-emulated', '--pcrs', 'pins.json'], other.ctx)).toBe(1)
      expect(other.stdout()).toContain('PCR_MISMATCH')
      t.cleanup()
      other.cleanup()
    },
    LONG,
  )

  it('shows the server refusal for a license without the entitlement (exit 1)', async () => {
    const t = analyst(server.url, unentitledKey)
    const args = ['analyze', 'code.hex', '--type', 'vulnerability', '--key', 'license.key']
    expect(await run([...args, '--allow-emulated'], t.ctx)).toBe(1)
    expect(t.stderr()).toContain('NOT_ENTITLED, HTTP 403')
    t.cleanup()
  })

  it('exits 2 on usage errors: no --type, an unknown type, no key, a file that is not hex', async () => {
    const t = analyst()
    expect(await run(['analyze', 'code.hex', '--key', 'license.key'], t.ctx)).toBe(2)
    expect(t.stderr()).toContain("'--type <type>' not specified")
    expect(await run(['analyze', 'code.hex', '--type', 'gas', '--key', 'license.key'], t.ctx)).toBe(
      2,
    )
    expect(await run(['analyze', 'code.hex', '--type', 'mev'], t.ctx)).toBe(2)
    expect(t.stderr()).toContain('TOLLGATE_LICENSE')
    writeFileSync(join(t.dir, 'bad.hex'), '0x60zz\n')
    expect(await run(['analyze', 'bad.hex', '--type', 'mev', '--key', 'license.key'], t.ctx)).toBe(
      2,
    )
    expect(t.stderr()).toContain('is not hex bytecode')
    t.cleanup()
  })
})
