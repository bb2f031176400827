// bench/server: POST /v1/licenses/validate (PGlite and Postgres) against a bare Fastify route,
// measured in the same run on the same machine. Prints req/s, p50/p99 and the ratio.
// Run: npx pnpm@10 bench:server   (BENCH_DATABASE_URL / TEST_DATABASE_URL: the Postgres server,
// default postgres://postgres@127.0.0.1:5432/test; BENCH_DURATION seconds per run, default 10)
//
// Each server runs in its own child process and the load generators in this one, so the load
// generator does not steal the server's event loop (this machine has 2 cores).
import { fork, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import Fastify from 'fastify'
import pg from 'pg'
import { Pool } from 'undici'
import { buildApp } from '@tollgate/license-server'

const DURATION = Number(process.env.BENCH_DURATION ?? 10)
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20)
const PG_URL =
  process.env.BENCH_DATABASE_URL ??
  process.env.TEST_DATABASE_URL ??
  'postgres://postgres@127.0.0.1:5432/test'
const MASTER_KEY = randomBytes(32).toString('hex')

interface Target {
  name: string
  url: string
  bodies: string[]
}

// ---------------------------------------------------------------- child: the servers
const LICENSES = Number(process.env.BENCH_LICENSES ?? 100)

// Many licenses, each request validates the next one: not one hot row, not one cached string.
async function seed(app: Awaited<ReturnType<typeof buildApp>>): Promise<string[]> {
  const auth = { authorization: `Bearer ${app.tollgate.bootstrap.ownerKey!}` }
  const post = async (url: string, payload: Record<string, unknown>) =>
    (await app.inject({ method: 'POST', url, headers: auth, payload })).json<
      Record<string, string>
    >()
  const cus = await post('/v1/admin/customers', { name: 'Bench Corp' })
  const plan = await post('/v1/admin/plans', {
    name: 'Pro',
    product: 'bench',
    tier: 'pro',
    entitlements: ['sso', 'audit', 'export'],
    limits: { users: 100 },
    policy: {
      expiryGraceDays: 7,
      offlineGraceDays: 30,
      heartbeatIntervalS: 3600,
      maxDeployments: 5,
    },
    durationDays: 365,
  })
  const tokens: string[] = []
  for (let i = 0; i < LICENSES; i++) {
    const issued = await post('/v1/admin/licenses', { customerId: cus.id, planId: plan.id })
    tokens.push(issued.token!)
  }
  return tokens
}

type Kind = 'bare' | 'pglite' | 'postgres' | 'postgres-nocache'

// One server per process, so one server's background work (PGlite runs queries synchronously
// on its event loop) never shows up in another's latency.
async function serve(kind: Kind): Promise<void> {
  const limits = { windowMs: 60_000, publicMax: 1e9, adminMax: 1e9, tiers: { default: 1e9 } }
  const common = { logger: false as const, env: {} }
  const masterKey = process.env.BENCH_MASTER_KEY!
  let app: { close(): Promise<unknown>; server: { address(): unknown } }
  let tokens: string[] = []
  if (kind === 'bare') {
    const bare = Fastify({ logger: false })
    bare.post('/v1/licenses/validate', async (req) => ({
      valid: true,
      body: req.body !== undefined,
    }))
    await bare.listen({ port: 0, host: '127.0.0.1' })
    app = bare
  } else {
    const built = await buildApp({
      ...common,
      config:
        kind === 'pglite'
          ? { dataDir: 'memory://', masterKey, rateLimit: limits }
          : {
              databaseUrl: process.env.BENCH_PG_URL!,
              masterKey,
              rateLimit: limits,
              dbPoolSize: 10,
              // Cache off: every validation reads its license row from Postgres.
              ...(kind === 'postgres-nocache' ? { validateCacheMs: 0 } : {}),
            },
    })
    await built.listen({ port: 0, host: '127.0.0.1' })
    if (kind !== 'postgres-nocache') tokens = await seed(built)
    app = built
  }
  process.send!({ port: (app.server.address() as { port: number }).port, tokens })
  process.on('message', (m) => {
    if (m === 'stop') void app.close().then(() => process.exit(0))
  })
}

async function startServer(
  kind: Kind,
  env: Record<string, string>,
): Promise<{ child: ChildProcess; port: number; tokens: string[] }> {
  const child = fork(fileURLToPath(import.meta.url), [`--serve=${kind}`], {
    execArgv: process.execArgv,
    stdio: 'inherit',
    env: { ...process.env, ...env },
  })
  const ready = await new Promise<{ port: number; tokens: string[] }>((resolve) =>
    child.once('message', resolve as never),
  )
  return { child, ...ready }
}

// ---------------------------------------------------------------- parent: the load
interface Result {
  rps: number
  p50: number
  p99: number
  errors: number
  non2xx: number
}

async function load(
  target: Target,
  opts: { rate?: number; duration?: number } = {},
): Promise<Result> {
  let i = 0
  const r = await autocannon({
    url: target.url,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    requests: [
      {
        setupRequest: (req) => ({ ...req, body: target.bodies[i++ % target.bodies.length]! }),
      },
    ],
    connections: CONNECTIONS,
    duration: opts.duration ?? DURATION,
    ...(opts.rate ? { overallRate: opts.rate } : {}),
  })
  return {
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors + r.timeouts,
    non2xx: r.non2xx,
  }
}

/**
 * Open-loop load at a steady rate: requests are sent on a fixed schedule (not in per-second
 * bursts as autocannon's overallRate does), each timed from its scheduled send, so p99 is the
 * latency a client sees at that load.
 */
async function paced(target: Target, rate: number, durationS = DURATION): Promise<Result> {
  const url = new URL(target.url)
  const pool = new Pool(url.origin, { connections: CONNECTIONS, pipelining: 1 })
  // Preallocated: a growing array would make the generator's own GC pauses show up as latency.
  const latencies = new Float64Array(Math.ceil(rate * durationS) + 16)
  let measured = 0
  let errors = 0
  let non2xx = 0
  let sent = 0
  let inflight = 0
  const start = performance.now()
  const end = start + durationS * 1000
  // Warm-up (connections opening) and the last half second (the schedule draining) are not
  // measured.
  const measureFrom = start + 1000
  const measureTo = end - 500
  const headers = { 'content-type': 'application/json' }
  const shoot = (scheduled: number) => {
    const body = target.bodies[sent++ % target.bodies.length]!
    inflight++
    pool
      .request({ path: url.pathname, method: 'POST', headers, body })
      .then(async (res) => {
        await res.body.dump()
        if (res.statusCode >= 300) non2xx++
        if (scheduled >= measureFrom && scheduled < measureTo) {
          latencies[measured++] = performance.now() - scheduled
        }
      })
      .catch(() => {
        errors++
      })
      .finally(() => {
        inflight--
      })
  }
  while (performance.now() < end) {
    const due = Math.floor(((performance.now() - start) / 1000) * rate)
    while (sent < due) shoot(start + (sent / rate) * 1000)
    await new Promise((r) => setTimeout(r, 1))
  }
  while (inflight > 0) await new Promise((r) => setTimeout(r, 5))
  await pool.close()
  const sorted = latencies.subarray(0, measured).sort()
  const at = (q: number) => sorted[Math.min(measured - 1, Math.floor(q * measured))] ?? NaN
  return { rps: sent / durationS, p50: at(0.5), p99: at(0.99), errors, non2xx }
}

/** {@link paced} in a fresh process: the parent's heap (autocannon's leftovers) cannot add GC pauses. */
async function pacedInChild(target: Target, rate: number): Promise<Result> {
  const child = fork(fileURLToPath(import.meta.url), ['--paced'], {
    execArgv: process.execArgv,
    stdio: 'inherit',
  })
  child.send({ target, rate })
  const result = await new Promise<Result>((resolve) => child.once('message', resolve as never))
  await new Promise((resolve) => child.once('exit', resolve))
  return result
}

function row(name: string, r: Result, base?: Result): string {
  const ratio = base ? `${((r.rps / base.rps) * 100).toFixed(1)}% of bare` : ''
  const bad = r.errors || r.non2xx ? `  (${r.errors} errors, ${r.non2xx} non-2xx)` : ''
  return `${name.padEnd(34)} ${r.rps.toFixed(0).padStart(8)} req/s   p50 ${r.p50.toFixed(2).padStart(6)} ms   p99 ${r.p99.toFixed(2).padStart(6)} ms   ${ratio}${bad}`
}

async function main(): Promise<void> {
  const dbName = `tg_bench_${randomBytes(4).toString('hex')}`
  const admin = new pg.Client({ connectionString: PG_URL })
  await admin.connect()
  await admin.query(`create database "${dbName}"`)
  const url = new URL(PG_URL)
  url.pathname = `/${dbName}`
  const env = { BENCH_MASTER_KEY: MASTER_KEY, BENCH_PG_URL: url.toString() }
  const servers = {
    bare: await startServer('bare', env),
    pglite: await startServer('pglite', env),
    postgres: await startServer('postgres', env),
    postgresNoCache: await startServer('postgres-nocache', env),
  }
  const ready = {
    bare: servers.bare.port,
    pglite: servers.pglite.port,
    postgres: servers.postgres.port,
    postgresNoCache: servers.postgresNoCache.port,
    tokens: { pglite: servers.pglite.tokens, postgres: servers.postgres.tokens },
  }
  const target = (name: string, port: number, keys: string[]): Target => ({
    name,
    url: `http://127.0.0.1:${port}/v1/licenses/validate`,
    bodies: keys.map((key) => JSON.stringify({ key })),
  })
  const bare = target('bare Fastify POST', ready.bare, ready.tokens.postgres)
  const lite = target('validate (PGlite)', ready.pglite, ready.tokens.pglite)
  const postgres = target('validate (Postgres)', ready.postgres, ready.tokens.postgres)
  const noCache = target(
    'validate (Postgres, cache off)',
    ready.postgresNoCache,
    ready.tokens.postgres,
  )

  // Sanity: the validate targets really validate.
  for (const t of [lite, postgres, noCache]) {
    const res = await fetch(t.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: t.bodies[0],
    })
    const json = (await res.json()) as { code: string }
    if (json.code !== 'VALID') throw new Error(`${t.name} answered ${JSON.stringify(json)}`)
  }
  console.log(
    `bench/server: ${CONNECTIONS} connections, ${DURATION}s per run, ${LICENSES} licenses round-robin, Node ${process.version}`,
  )
  for (const t of [bare, lite, postgres, noCache]) await load(t, { duration: 2 }) // warm-up

  const rBare = await load(bare)
  const rLite = await load(lite)
  const rPg = await load(postgres)
  const rNoCache = await load(noCache)
  // Warm the steady-rate load generator itself (its first run pays undici's JIT and connects).
  await pacedInChild(bare, 1000)
  const halfPg = await pacedInChild(postgres, Math.max(1, Math.floor(rPg.rps / 2)))
  // The same steady load against the bare route: what the machine and the load generator add.
  const halfBare = await pacedInChild(bare, Math.max(1, Math.floor(rPg.rps / 2)))
  const halfLite = await pacedInChild(lite, Math.max(1, Math.floor(rLite.rps / 2)))
  const halfNoCache = await pacedInChild(noCache, Math.max(1, Math.floor(rNoCache.rps / 2)))

  console.log()
  console.log(row(bare.name, rBare))
  console.log(row(lite.name, rLite, rBare))
  console.log(row(postgres.name, rPg, rBare))
  console.log(row(noCache.name, rNoCache, rBare))
  console.log(row(`validate (PGlite) @ ${Math.floor(rLite.rps / 2)} req/s`, halfLite))
  console.log(row(`validate (Postgres) @ ${Math.floor(rPg.rps / 2)} req/s`, halfPg))
  console.log(row(`bare Fastify @ ${Math.floor(rPg.rps / 2)} req/s`, halfBare))
  console.log(row(`  cache off @ ${Math.floor(rNoCache.rps / 2)} req/s`, halfNoCache))
  const ratio = rPg.rps / rBare.rps
  console.log()
  console.log(
    `Postgres validate / bare = ${(ratio * 100).toFixed(1)}% (target >= 33%): ${ratio >= 0.33 ? 'OK' : 'BELOW TARGET'}; ` +
      `p99 at half load = ${halfPg.p99.toFixed(2)} ms (target < 10 ms): ${halfPg.p99 < 10 ? 'OK' : 'ABOVE TARGET'}`,
  )
  console.log(
    `cache off: ${((rNoCache.rps / rBare.rps) * 100).toFixed(1)}% of bare, p99 at half load ${halfNoCache.p99.toFixed(2)} ms`,
  )
  const [load1] = (await import('node:os')).loadavg()
  console.log(`machine load average during the run: ${load1!.toFixed(2)} (2 cores)`)
  for (const { child } of Object.values(servers)) {
    child.send('stop')
    await new Promise((resolve) => child.once('exit', resolve))
  }
  await admin.query(`drop database if exists "${dbName}" with (force)`)
  await admin.end()
}

const serveArg = process.argv.find((a) => a.startsWith('--serve='))
if (serveArg) await serve(serveArg.slice('--serve='.length) as Kind)
else if (process.argv.includes('--paced')) {
  const { target, rate } = await new Promise<{ target: Target; rate: number }>((resolve) =>
    process.once('message', resolve as never),
  )
  // A short warm-up in this process first, so the measured run does not pay undici's JIT.
  await paced(target, Math.min(rate, 1000), 2)
  process.send!(await paced(target, rate), () => process.exit(0))
} else await main()
