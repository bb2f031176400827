// `npx -y pnpm@10 demo`: the licensing loop on your machine in one command. Starts the license
// server on the embedded database (PGlite in a temp dir), issues a free license with the CLI,
// starts examples/self-hosted-app with it, and prints what to try. Then type a command + Enter:
// upgrade | offline | online | revoke | status | quit.
// Env: DEMO_SERVER_PORT (3000), DEMO_APP_PORT (4000), DEMO_EXIT_AFTER_READY=1 (smoke tests).
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { once } from 'node:events'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { freePort, until, type Child } from './lib/processes.js'
import { CLI_SOURCE, cli, newAdminKey, startExampleApp, startServer } from './lib/tollgate.js'

interface Issued {
  license: { id: string; tier: string }
  token: string
}

const say = (line = ''): boolean => process.stdout.write(line + '\n')

async function portOr(preferred: number): Promise<number> {
  const probe = createServer()
  probe.listen(preferred, '127.0.0.1')
  const ok = await Promise.race([
    once(probe, 'listening').then(() => true),
    once(probe, 'error').then(() => false),
  ])
  if (!ok) return freePort()
  probe.close()
  await once(probe, 'close')
  return preferred
}

const dir = await mkdtemp(join(tmpdir(), 'tollgate-demo-'))
const adminKey = newAdminKey()
const serverPort = await portOr(Number(process.env.DEMO_SERVER_PORT ?? 3000))
const appPort = await portOr(Number(process.env.DEMO_APP_PORT ?? 4000))
const serverUrl = `http://127.0.0.1:${serverPort}`
const appUrl = `http://127.0.0.1:${appPort}`
const keyFile = join(dir, 'license.key')
const target = { url: serverUrl, adminKey, configDir: dir }
const serverSettings = {
  port: serverPort,
  dataDir: join(dir, 'server-data'),
  adminKey,
  webhookSecret: `whsec_demo_${randomBytes(12).toString('hex')}`,
  echo: (l: string) => say(`  [server] ${l}`),
}
let server: Child | undefined
let app: Child | undefined

async function shutdown(code: number): Promise<never> {
  await Promise.all([app?.stop(), server?.stop()])
  await rm(dir, { recursive: true, force: true })
  process.exit(code)
}

async function appStatus(): Promise<{
  state: { code: string; reason: string }
  graceDaysLeft: number | null
  tier: string | null
}> {
  return (await fetch(`${appUrl}/status`)).json() as Promise<never>
}

async function demoClock(offsetMinutes: number): Promise<void> {
  await fetch(`${appUrl}/demo/clock`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ offsetMinutes }),
  })
}

try {
  say(`Tollgate demo (files in ${dir})`)
  say('1. starting the license server on the embedded database ...')
  server = await startServer(serverSettings)
  say(`   ${serverUrl} is up`)
  say('2. issuing a free license with the CLI ...')
  const customer = await cli<{ id: string }>(CLI_SOURCE, target, [
    'customer',
    'create',
    '--name',
    'Acme Corp',
    '--email',
    'it@acme.example',
  ])
  const planArgs = [
    '--perpetual',
    '--product',
    'example-app',
    '--heartbeat-interval',
    '10',
    '--offline-grace-days',
    '30',
  ]
  const free = await cli<{ id: string }>(CLI_SOURCE, target, [
    'plan',
    'create',
    '--name',
    'Free',
    '--tier',
    'free',
    '--limit',
    'users=3',
    ...planArgs,
  ])
  const pro = await cli<{ id: string }>(CLI_SOURCE, target, [
    'plan',
    'create',
    '--name',
    'Pro',
    '--tier',
    'pro',
    '-e',
    'reports',
    '--limit',
    'users=50',
    ...planArgs,
  ])
  let issued = await cli<Issued>(CLI_SOURCE, target, [
    'license',
    'issue',
    '--customer',
    customer.id,
    '--plan',
    free.id,
  ])
  await writeFile(keyFile, issued.token + '\n')
  say(`   license ${issued.license.id} (free: 3 users incl. the owner, no "reports") -> ${keyFile}`)
  say('3. starting examples/self-hosted-app with that key ...')
  app = await startExampleApp({
    port: appPort,
    serverUrl,
    licenseFile: keyFile,
    storageDir: join(dir, 'app-storage'),
    echo: (l) => l.startsWith('license:') && say(`  [app] ${l}`),
  })
  await until('the app to activate', async () =>
    (await appStatus()).state.code === 'valid' ? true : undefined,
  )

  const cliLine = `node --conditions=tollgate-source --import tsx packages/cli/src/bin.ts`
  say(`
Ready. Try:
  curl ${appUrl}/                      # free route: always works
  curl ${appUrl}/reports               # paid feature: 402 on the free plan
  curl -X POST ${appUrl}/users -H 'content-type: application/json' -d '{"name":"ada"}'   # the owner holds 1 of 3 seats: 2 more, then 402
  open ${appUrl}/status                # license state and grace days left (JSON with curl)

The CLI against this server (from the repo root):
  export TOLLGATE_URL=${serverUrl} TOLLGATE_API_KEY=${adminKey}
  ${cliLine} license list

Type a command and press Enter:
  upgrade   move the license to Pro (same license id) and install its new key
  offline   stop the server and move the app's clock 15 min ahead: it stays in grace_offline
  online    start the server again and reset the clock
  revoke    revoke the current license; the app locks at its next heartbeat (<= 11 s)
  status    print the app's license state
  quit      stop everything
`)
  if (process.env.DEMO_EXIT_AFTER_READY === '1') await shutdown(0)

  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void shutdown(0))
  const rl = createInterface({ input: process.stdin })
  for await (const raw of rl) {
    const command = raw.trim()
    try {
      if (command === 'upgrade') {
        // The same license moves to Pro (its id, deployments and history stay); only the key
        // changes, and the app re-reads the key file.
        issued = await cli<Issued>(CLI_SOURCE, target, [
          'license',
          'change-plan',
          issued.license.id,
          '--plan',
          pro.id,
        ])
        await writeFile(keyFile, issued.token + '\n')
        say(
          `license ${issued.license.id} upgraded to pro; its new key is in ${keyFile}; try curl ${appUrl}/reports`,
        )
      } else if (command === 'offline') {
        await server?.stop()
        server = undefined
        await demoClock(15)
        say('server stopped, app clock +15 min; the paid route keeps working in grace_offline')
      } else if (command === 'online') {
        server ??= await startServer(serverSettings)
        await demoClock(0)
        say('server back; the app reconnects at its next heartbeat')
      } else if (command === 'revoke') {
        await cli(CLI_SOURCE, target, [
          'license',
          'revoke',
          issued.license.id,
          '--reason',
          'demo',
          '--yes',
        ])
        say(`license ${issued.license.id} revoked; watch the app lock at its next heartbeat`)
      } else if (command === 'status') {
        const s = await appStatus()
        say(
          `${s.state.code} (${s.state.reason}); tier ${s.tier ?? '-'}; grace days left ${s.graceDaysLeft ?? '-'}`,
        )
      } else if (command === 'quit' || command === 'exit') {
        await shutdown(0)
      } else if (command !== '') {
        say('commands: upgrade | offline | online | revoke | status | quit')
      }
    } catch (err) {
      say(`${command} failed: ${err instanceof Error ? err.message : String(err)}`)
    }
  }
  // stdin ended (piped input, Ctrl+D): the commands it held have run.
  await shutdown(0)
} catch (err) {
  say(`demo failed: ${err instanceof Error ? err.message : String(err)}`)
  await shutdown(1)
}
