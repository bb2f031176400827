// The air-gapped floating relay as real processes (issue 18). The vendor server signs the pool
// files, then is STOPPED: the relay (a process on its own PGlite) and the clients (processes
// with only the relay's URL) run with no license server at all.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  createLicenseClient,
  exportPublicJwk,
  generateKeyPair,
  loadRelayIdentity,
  relayRequestOf,
  signPoolFile,
  PoolExpiredError,
  PoolFileInvalidError,
  type Jwks,
  type LicenseClient,
  type RelayRequest,
} from '@tollgate/license-client'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { createClock } from './helpers/clock.js'
import { POLICY, seedLicense } from './helpers/fixtures.js'
import { createTestApp } from './helpers/test-app.js'
import { bundleEntry, type Bundle } from '../../../scripts/lib/bundle.js'

const DAY = 86_400_000
const pkg = fileURLToPath(new URL('..', import.meta.url))
// The relay and the client fixture, each bundled once (8 starts through tsx cost 1-2.5 s of CPU
// each); the relay bundle is what a production build of the server ships.
let relayBin: Bundle
let clientBin: Bundle
const dir = mkdtempSync(join(tmpdir(), 'tg-airgap-'))
const procs = new Set<ChildProcess>()
const clients: LicenseClient[] = []
const path = (name: string) => join(dir, name)
let token: string
let jwks: Jwks
let licenseId: string

interface Proc {
  child: ChildProcess
  /** Resolves with the first stdout line matching `re` (lines already seen included). */
  line(re: RegExp): Promise<string>
  exit: Promise<{ code: number | null; stderr: string }>
}

function run(args: string[], env: Record<string, string>): Proc {
  const child = spawn(process.execPath, args, {
    cwd: pkg,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  procs.add(child)
  const lines: string[] = []
  const waiters: { re: RegExp; resolve: (l: string) => void }[] = []
  let buf = ''
  let stderr = ''
  child.stdout.on('data', (d: Buffer) => {
    buf += d.toString()
    let i: number
    while ((i = buf.indexOf('\n')) >= 0) {
      const l = buf.slice(0, i)
      buf = buf.slice(i + 1)
      lines.push(l)
      for (const w of [...waiters]) {
        if (w.re.test(l)) {
          waiters.splice(waiters.indexOf(w), 1)
          w.resolve(l)
        }
      }
    }
  })
  child.stderr.on('data', (d: Buffer) => void (stderr = (stderr + d.toString()).slice(-4000)))
  const exit = new Promise<{ code: number | null; stderr: string }>((resolve) =>
    child.on('exit', (code) => {
      procs.delete(child)
      resolve({ code, stderr })
    }),
  )
  return {
    child,
    exit,
    line: (re) => {
      const seen = lines.find((l) => re.test(l))
      if (seen !== undefined) return Promise.resolve(seen)
      return Promise.race([
        new Promise<string>((resolve) => waiters.push({ re, resolve })),
        exit.then(({ code, stderr: e }) => {
          throw new Error(`process exited (${code}) before ${re}: ${e}`)
        }),
      ])
    },
  }
}

function relayProcess(name: string, pool: string, vendorKeys = path('vendor.jwks')): Proc {
  return run([relayBin.file], {
    RELAY_DATA_DIR: path(name),
    RELAY_POOL_FILE: pool,
    RELAY_VENDOR_KEYS: vendorKeys,
    RELAY_POOL_CHECK_MS: '200',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    LOG_FORMAT: 'json',
  })
}

async function startRelay(name: string, pool: string, vendorKeys?: string) {
  const proc = relayProcess(name, pool, vendorKeys)
  const ready = JSON.parse(await proc.line(/tollgate relay ready/)) as { address: string }
  return { proc, url: ready.address }
}

function clientProcess(url: string, scope: string, mode = 'once'): Proc {
  const storage = mkdtempSync(join(dir, 'client-'))
  return run([clientBin.file, url, storage, scope, mode], {
    RELAY_TOKEN: token,
    RELAY_JWKS: JSON.stringify(jwks),
  })
}

async function inProcessClient(relayUrl: string): Promise<LicenseClient> {
  const c = await createLicenseClient({
    token,
    publicKeys: jwks,
    relayUrl,
    storageDir: mkdtempSync(join(dir, 'inproc-')),
    logger: { warn: () => undefined, error: () => undefined },
  })
  clients.push(c)
  return c
}

async function health(url: string) {
  const res = await fetch(`${url}/health`)
  return (await res.json()) as {
    pool: { state: string; seats: { used: number; seats: number } }
  }
}

/** Writes a file the way an operator should: a temp file renamed over the old one. */
function dropIn(file: string, text: string): void {
  writeFileSync(`${file}.tmp`, text)
  renameSync(`${file}.tmp`, file)
}

async function request(name: string): Promise<RelayRequest> {
  return relayRequestOf((await loadRelayIdentity(path(name), true))!)
}

beforeAll(async () => {
  ;[relayBin, clientBin] = await Promise.all([
    bundleEntry('packages/license-server/src/relay/relay-bin.ts'),
    bundleEntry('packages/license-server/test/fixtures/relay-client.ts'),
  ])
  // The vendor, on PGlite, with a clock it can set back to sign pools already past or near expiry.
  const real = Date.now()
  const clock = createClock(new Date(real - 2 * DAY))
  const t = await createTestApp({ clock })
  try {
    const seeded = await seedLicense(t, {
      plan: { policy: { ...POLICY, floating: { seats: 10, leaseTtlS: 5, overage: 'deny' } } },
    })
    token = seeded.token
    licenseId = seeded.license.id
    jwks = (await t.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json<Jwks>()
    const pool = async (relay: string, seats: number, validDays: number) => {
      const res = await t.request('POST', `/v1/admin/licenses/${licenseId}/seat-pools`, {
        seats,
        request: await request(relay),
        validDays,
      })
      expect(res.statusCode, res.body).toBe(201)
      return res.json<{ poolFile: string }>().poolFile
    }
    writeFileSync(path('expired.lic'), await pool('relay-3', 2, 1)) // expired a day ago
    clock.set(new Date(real - 3_600_000))
    writeFileSync(path('pool-1.lic'), await pool('relay-1', 2, 30))
    writeFileSync(path('other-relay.lic'), await pool('relay-2', 1, 30))
    writeFileSync(path('renewed-3.lic'), await pool('relay-3', 2, 1)) // expiring within a day
    writeFileSync(path('vendor.jwks'), JSON.stringify(jwks))
  } finally {
    await t.close() // the vendor server is gone from here on
  }
  // A forger's own key signs pools for relay-1 and relay-4 ("self-signed" pool files).
  const forger = generateKeyPair('forger')
  writeFileSync(
    path('forger.jwks'),
    JSON.stringify({ keys: [...jwks.keys, exportPublicJwk(forger.publicKey, forger.kid)] }),
  )
  for (const relay of ['relay-1', 'relay-4']) {
    const forged = signPoolFile(
      {
        poolId: 'pool_forged',
        issuer: 'ten_forger',
        licenseId,
        seats: 1000,
        policy: { leaseTtlS: 5, overage: 'deny' },
        request: await request(relay),
        issuedAt: new Date(),
        expiresAt: new Date(Date.now() + 365 * DAY),
      },
      forger,
    )
    writeFileSync(path(`forged-${relay}.lic`), forged)
  }
}, 300_000)

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()))
  const exits = [...procs].map((p) => new Promise((resolve) => p.once('exit', resolve)))
  for (const p of procs) p.kill('SIGKILL')
  await Promise.all(exits)
  rmSync(dir, { recursive: true, force: true })
  relayBin?.remove()
  clientBin?.remove()
})

it('refuses to start on a forged (self-signed) pool file or a pool for another relay key', async () => {
  const forged = await relayProcess('relay-1', path('forged-relay-1.lic')).exit
  expect(forged.code).toBe(78)
  expect(forged.stderr).toMatch(/RELAY_POOL_FILE refused: .*not signed by a trusted vendor key/)
  const other = await relayProcess('relay-1', path('other-relay.lic')).exit
  expect(other.code).toBe(78)
  expect(other.stderr).toMatch(/another relay key/)
})

it('3 clients against a 2-seat pool: 2 granted, 1 refused; a client killed -9 frees its seat after the TTL', async () => {
  const { url } = await startRelay('relay-1', path('pool-1.lic'))
  const a = clientProcess(url, 'a')
  const b = clientProcess(url, 'b')
  await Promise.all([a.line(/^ready /), b.line(/^ready /)])
  const c = clientProcess(url, 'c', 'retry')
  expect(await c.line(/^(ready|refused) /)).toBe('refused SEATS_EXHAUSTED -')
  expect((await health(url)).pool.seats).toMatchObject({ used: 2, seats: 2 })
  a.child.kill('SIGKILL')
  await a.exit
  // No check-in came from `a`: its lease runs out (5 s TTL) and c, retrying, gets the seat.
  expect(await c.line(/^ready /)).toMatch(/^ready seat_/)
  expect((await health(url)).pool.seats).toMatchObject({ used: 2, seats: 2 })
}, 240_000)

it('pool expiry is a typed refusal; a renewed pool file dropped in is picked up without restart', async () => {
  const file = path('pool-3.lic')
  dropIn(file, readFileSync(path('expired.lic'), 'utf8'))
  const { proc, url } = await startRelay('relay-3', file)
  const client = await inProcessClient(url)
  const err = await client.checkoutSeat({ scope: 'x' }).catch((e: unknown) => e)
  expect(err).toBeInstanceOf(PoolExpiredError)
  expect(err).toMatchObject({ code: 'POOL_EXPIRED', serverCode: 'POOL_EXPIRED' })
  expect((await health(url)).pool.state).toBe('expired')
  dropIn(file, readFileSync(path('renewed-3.lic'), 'utf8'))
  // Picked up on the next use after the check period; the relay process never restarts.
  let state = 'expired'
  while (state === 'expired') state = (await health(url)).pool.state
  expect(state).toBe('expiring')
  const seat = await client.checkoutSeat({ scope: 'x' })
  expect([seat.valid, seat.warning]).toEqual([true, 'POOL_EXPIRING'])
  expect(proc.child.exitCode).toBeNull()
  await seat.release()
}, 240_000)

it('clients refuse the leases of a relay whose pool file is not signed by their pinned vendor key', async () => {
  // A relay talked into trusting the forger's key starts and answers; the clients pin the vendor.
  const { url } = await startRelay('relay-4', path('forged-relay-4.lic'), path('forger.jwks'))
  const client = await inProcessClient(url)
  const err = await client.checkoutSeat({ scope: 'y' }).catch((e: unknown) => e)
  expect(err).toBeInstanceOf(PoolFileInvalidError)
  expect(err).toMatchObject({ code: 'POOL_INVALID' })
}, 240_000)
