import { readFile } from 'node:fs/promises'
import {
  createLicenseClient,
  type Jwks,
  type LicenseClient,
  type LicenseClientOptions,
  type Logger,
} from '@tollgate/license-client'
import { buildExampleApp } from './app.js'
import { ExampleConfigError, loadExampleConfig, type ExampleConfig } from './config.js'
import { NO_SEAT_EXIT_CODE, NoSeatError, checkoutProcessSeat } from './floating-seat.js'
import { DemoClock } from './demo-clock.js'

// Licensing problems are one line each on stderr; the state changes go to stdout.
const logger: Logger = {
  warn: (data, message) => process.stderr.write(`[license] ${message} ${JSON.stringify(data)}\n`),
  error: (data, message) => process.stderr.write(`[license] ${message} ${JSON.stringify(data)}\n`),
}

async function keySource(config: ExampleConfig): Promise<Partial<LicenseClientOptions>> {
  if (config.jwksFile !== undefined) {
    // Pinned keys: what the vendor ships with the app. Preferred, since a JWKS fetched over the
    // network (and cached in storageDir) is only as trustworthy as that directory.
    const jwks = JSON.parse(await readFile(config.jwksFile, 'utf8')) as Jwks
    return { publicKeys: jwks }
  }
  return { jwksUrl: `${config.serverUrl}/.well-known/jwks.json` }
}

async function main(): Promise<void> {
  const config = loadExampleConfig(process.env)
  const clock = config.demoClock ? new DemoClock() : undefined
  const started: { client?: LicenseClient } = {}
  const license = await createLicenseClient({
    // Without a file the key comes from TOLLGATE_LICENSE_KEY.
    ...(config.licenseFile === undefined ? {} : { tokenFile: config.licenseFile }),
    ...(await keySource(config)),
    ...(config.serverUrl === undefined ? {} : { serverUrl: config.serverUrl }),
    storageDir: config.storageDir,
    appVersion: '1.0.0',
    checkIntervalMs: config.checkIntervalMs,
    // A restricted license keeps the app usable by its owner: one seat, no paid features.
    freeLimits: { users: 1 },
    logger,
    ...(clock ? { now: clock.now } : {}),
    onStateChange: (state, previous) => {
      process.stdout.write(`license: ${state.code} (${state.reason})\n`)
      // A key for another license was installed: check in now rather than at the next
      // heartbeat (the client re-reads the file on its own, but activates on its timer).
      if (previous.licenseId !== null && state.licenseId !== previous.licenseId) {
        void started.client?.refresh()
      }
    },
  })
  started.client = license
  // One floating seat per running process: taken before serving, given back on exit.
  let seat
  try {
    seat = config.floatingSeat ? await checkoutProcessSeat(license) : undefined
  } catch (err) {
    await license.close()
    throw err
  }
  if (seat) {
    process.stdout.write(
      `floating seat: held (${seat.scope})${seat.warning ? ` warning ${seat.warning}` : ''}\n`,
    )
    seat.on('change', (state: string) => process.stdout.write(`floating seat: ${state}\n`))
  }
  const app = buildExampleApp({
    license,
    namedUsers: config.namedUsers,
    ...(seat ? { seat } : {}),
    ...(clock ? { demoClock: clock } : {}),
    about: { 'license server': config.serverUrl ?? 'none (offline)' },
  })
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      // license.close() checks the floating seat in before it stops its transport (a release
      // racing close() would be aborted), so the next instance can take the seat at once.
      Promise.all([app.close(), license.close()]).then(
        () => process.exit(0),
        () => process.exit(1),
      )
    })
  }
  const address = await app.listen({ port: config.port, host: config.host })
  process.stdout.write(`example app listening on ${address}\n`)
  process.stdout.write(`license: ${license.state.code} (${license.state.reason})\n`)
}

main().catch((err: unknown) => {
  const code =
    err instanceof ExampleConfigError ? 78 : err instanceof NoSeatError ? NO_SEAT_EXIT_CODE : 1
  process.stderr.write(`example app: ${err instanceof Error ? err.message : String(err)}\n`)
  process.exit(code)
})
