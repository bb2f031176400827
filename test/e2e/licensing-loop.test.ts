// The whole licensing loop with real processes and no mocks: the license server (bin, embedded
// PGlite, on a port), the built `tollgate` CLI, the Stripe sample-event sender, a mail catcher
// standing in for the buyer's mailbox, and the self-hosted example app with the license client.
//
// free plan (via a $0 Checkout; key by email) -> free route ok, paid route 402 -> signed Stripe
// upgrade (subscription.updated) -> re-issued key mailed and installed -> paid route ok ->
// server stopped -> app keeps serving in grace_offline -> server back -> revoke (CLI) -> the
// app is locked at its next heartbeat.
import { randomBytes } from 'node:crypto'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
// The server tests' helper: the run's migrated PGlite dump.
import { seedMigratedDataDir } from '../../packages/license-server/test/helpers/pglite-template.js'
import { NODE_TS, freePort, run, start, until, type Child } from '../../scripts/lib/processes.js'
import {
  CLI_BUILT,
  buildCli,
  cli,
  newAdminKey,
  startExampleApp,
  startServer,
} from '../../scripts/lib/tollgate.js'

const FREE_PRICE = 'price_e2e_free'
const PRO_PRICE = 'price_e2e_pro'

interface Status {
  state: { code: string; reason: string; licenseId: string | null }
  graceDaysLeft: number | null
  tier: string | null
  seats: { used: number; limit: number | null }
}
interface License {
  id: string
  tier: string
  status: string
}

const children: Child[] = []
let dir: string
let serverPort: number
let serverUrl: string
let appUrl: string
let mailPort: number
let server: Child
const adminKey = newAdminKey()
const webhookSecret = `whsec_e2e_${randomBytes(16).toString('hex')}`
let licenseId: string

const paths = {
  get data(): string {
    return join(dir, 'server-data')
  },
  get key(): string {
    return join(dir, 'license.key')
  },
  get purchase(): string {
    return join(dir, 'purchase.json')
  },
}

const target = (): { url: string; adminKey: string; configDir: string } => ({
  url: serverUrl,
  adminKey,
  configDir: dir,
})

async function bootServer(): Promise<Child> {
  const child = await startServer({
    port: serverPort,
    dataDir: paths.data,
    adminKey,
    webhookSecret,
    smtpPort: mailPort,
    // Each child leads its own process group: afterAll's stop() takes its whole tree along,
    // pass or fail, so no server or app outlives the run.
    ownGroup: true,
  })
  children.push(child)
  return child
}

async function stripe(...args: string[]): Promise<void> {
  const res = await run(
    [
      ...NODE_TS,
      'examples/stripe-checkout/src/send-event.ts',
      ...args,
      '--purchase',
      paths.purchase,
    ],
    {
      TOLLGATE_URL: serverUrl,
      STRIPE_WEBHOOK_SECRET: webhookSecret,
    },
  )
  expect(res.code, `send-event ${args[0]}: ${res.stdout}${res.stderr}`).toBe(0)
  for (const line of res.stdout.trim().split('\n')) {
    expect(JSON.parse(line)).toMatchObject({ httpStatus: 200, status: 'processed' })
  }
}

async function status(): Promise<Status> {
  return (await fetch(`${appUrl}/status`)).json() as Promise<Status>
}

async function get(path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${appUrl}${path}`)
  return { status: res.status, body: (await res.json()) as Record<string, unknown> }
}

async function post(
  path: string,
  body: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${appUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  return { status: res.status, body: (await res.json()) as Record<string, unknown> }
}

const stateIs = (code: string) => async (): Promise<Status | undefined> => {
  const s = await status()
  return s.state.code === code ? s : undefined
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tg-e2e-'))
  // The built bin, as shipped; rebuilt whenever a source it bundles is newer than it. The
  // server's data dir starts migrated (from the run's dump): a first start on an empty dir is
  // the subject of the server's bin test and of scripts/newcomer.sh, not of this loop.
  await Promise.all([buildCli(), seedMigratedDataDir(paths.data)])
  ;[serverPort, mailPort] = [await freePort(), await freePort()]
  serverUrl = `http://127.0.0.1:${serverPort}`
  // The buyer's mailbox: every license key that arrives is installed in the app's key file.
  const mail = start(
    'mail catcher',
    [...NODE_TS, 'examples/stripe-checkout/src/mail-catcher-main.ts'],
    {
      MAIL_PORT: String(mailPort),
      MAIL_KEY_FILE: paths.key,
    },
    { ownGroup: true },
  )
  children.push(mail)
  await mail.waitForLine(/mail catcher listening/)
  server = await bootServer()
}, 600_000)

afterAll(async () => {
  await Promise.all(children.map((c) => c.stop()))
  if (dir) await rm(dir, { recursive: true, force: true })
})

describe('the whole licensing loop, real processes', { timeout: 600_000 }, () => {
  it('free plan: the free route works, the paid route and a fourth seat are refused', async () => {
    await cli(CLI_BUILT, target(), [
      'plan',
      'create',
      '--perpetual',
      '--name',
      'Free',
      '--product',
      'example-app',
      '--tier',
      'free',
      '--limit',
      'users=3',
      '--heartbeat-interval',
      '10',
      '--offline-grace-days',
      '30',
      '--stripe-price',
      FREE_PRICE,
    ])
    await cli(CLI_BUILT, target(), [
      'plan',
      'create',
      '--perpetual',
      '--name',
      'Pro',
      '--product',
      'example-app',
      '--tier',
      'pro',
      '-e',
      'reports',
      '--limit',
      'users=50',
      '--heartbeat-interval',
      '10',
      '--offline-grace-days',
      '30',
      '--stripe-price',
      PRO_PRICE,
    ])
    // A $0 subscription through Checkout: the server issues the free license and mails the key.
    await stripe('checkout', '--email', 'it@acme.example', '--price', FREE_PRICE, '--free')
    const mail = children.find((c) => c.name === 'mail catcher')!
    await mail.waitForLine(/written to/)
    const { items } = await cli<{ items: License[] }>(CLI_BUILT, target(), ['license', 'list'])
    expect(items).toHaveLength(1)
    expect(items[0]).toMatchObject({ tier: 'free', status: 'active' })
    licenseId = items[0]!.id
    // The mailed key verifies offline with the CLI (checksum, signature against the server's JWKS).
    const verify = await run([...CLI_BUILT, 'license', 'verify', paths.key], {
      TOLLGATE_URL: serverUrl,
      TOLLGATE_API_KEY: adminKey,
      TOLLGATE_CONFIG: join(dir, 'tollgate-config.json'),
      NO_COLOR: '1',
    })
    expect(verify.code, verify.stderr).toBe(0)
    expect(verify.stdout).toMatch(/^VALID /)
    expect(verify.stdout).toContain(licenseId)

    const appPort = await freePort()
    appUrl = `http://127.0.0.1:${appPort}`
    children.push(
      await startExampleApp({
        port: appPort,
        serverUrl,
        licenseFile: paths.key,
        storageDir: join(dir, 'app-storage'),
        checkIntervalMs: 500,
        ownGroup: true,
      }),
    )
    // Until its first activation a deployment counts as offline; then the lease makes it valid.
    const valid = await until('the app to activate', stateIs('valid'))
    expect(valid).toMatchObject({ state: { licenseId }, tier: 'free', seats: { limit: 3 } })
    expect((await get('/')).status).toBe(200)
    expect(await get('/reports')).toMatchObject({
      status: 402,
      body: { code: 'FEATURE_NOT_ENTITLED' },
    })
    expect((await post('/users', { name: 'ada' })).status).toBe(201)
    expect((await post('/users', { name: 'grace' })).status).toBe(201)
    expect(await post('/users', { name: 'linus' })).toMatchObject({
      status: 402,
      body: { code: 'LIMIT_EXCEEDED', limit: 3 },
    })
  })

  it('a signed Stripe upgrade re-issues the key; once installed, the paid route opens', async () => {
    const before = await readFile(paths.key, 'utf8')
    await stripe('upgrade', '--price', PRO_PRICE)
    expect(await cli<License>(CLI_BUILT, target(), ['license', 'show', licenseId])).toMatchObject({
      tier: 'pro',
    })
    await until('the re-issued key in the mailbox', async () =>
      (await readFile(paths.key, 'utf8')) !== before ? true : undefined,
    )
    const pro = await until('the app to pick up the Pro key', async () => {
      const s = await status()
      return s.tier === 'pro' ? s : undefined
    })
    expect(pro).toMatchObject({ state: { code: 'valid', licenseId }, seats: { limit: 50 } })
    expect(await get('/reports')).toMatchObject({ status: 200 })
    expect((await post('/users', { name: 'linus' })).status).toBe(201)
  })

  it('server stopped: the app keeps serving the paid route in grace_offline', async () => {
    await server.stop()
    expect(server.exitCode).toBe(0)
    expect((await get('/reports')).status).toBe(200)
    // A lease counts as fresh for max(2 heartbeats, 10 min): the demo clock skips those minutes.
    const res = await post('/demo/clock', { offsetMinutes: 15 })
    expect(res.body).toMatchObject({ state: { code: 'grace_offline' }, graceDaysLeft: 30 })
    expect((await get('/reports')).status).toBe(200)
    expect((await get('/')).status).toBe(200)
  })

  it('server back: the app is valid again; revoked with the CLI, it is locked at its next heartbeat', async () => {
    server = await bootServer()
    await post('/demo/clock', { offsetMinutes: 0 })
    await until('the app to reach the server again', stateIs('valid'), 120_000)
    const revoked = await cli<License>(CLI_BUILT, target(), [
      'license',
      'revoke',
      licenseId,
      '--reason',
      'e2e: chargeback',
      '--yes',
    ])
    expect(revoked.status).toBe('revoked')
    // No refresh call: the app learns it from its own heartbeat (policy: every 10 s).
    const locked = await until('the app to be locked', stateIs('revoked'), 120_000, 200)
    expect(locked.state.reason).toMatch(/revoked/)
    expect(await get('/reports')).toMatchObject({
      status: 403,
      body: { code: 'LICENSE_NOT_VALID', licenseState: 'revoked' },
    })
    expect(await post('/users', { name: 'ken' })).toMatchObject({
      status: 403,
      // A revoked license is not a seat problem (issue 15).
      body: { code: 'LICENSE_NOT_VALID' },
    })
    expect((await get('/')).status).toBe(200)
  })
})
