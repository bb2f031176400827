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
import Fastify, { type FastifyInstance } from 'fastify'
import pg from 'pg'
import { Pool } from 'undici'
import { buildApp } from '@tollgate/license-server'
import { SERVER_FLAGS_LABEL, serverExecArgv } from './lib/server-flags.js'
import { formatProcessStats, recordProcessStats, type ProcessStats } from './lib/process-stats.js'

const DURATION = Number(process.env.BENCH_DURATION ?? 10)
// The half-load runs of the Postgres target and its bare baseline: a p99 over ~30 s of steady
// load, so one stall in a short window does not decide the figure either way.
const HALF_DURATION = Number(process.env.BENCH_HALF_DURATION ?? 30)
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
  const stats = recordProcessStats()
  // Time inside the server (Fastify's elapsedTime: request received → response written).
  const timeRequests = (f: FastifyInstance) =>
    f.addHook('onResponse', async (_req, reply) => {
      stats.request(reply.elapsedTime)
    })
  if (kind === 'bare') {
    const bare = Fastify({ logger: false })
    timeRequests(bare)
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
    timeRequests(built)
    await built.listen({ port: 0, host: '127.0.0.1' })
    if (kind !== 'postgres-nocache') tokens = await seed(built)
    app = built
  }
  process.send!({ port: (app.server.address() as { port: number }).port, tokens })
  process.on('message', (m) => {
    if (m === 'stop') void app.close().then(() => process.exit(0))
    if (m === 'stats-reset') stats.reset()
    if (m === 'stats') process.send!({ stats: stats.read() })
  })
}

interface Server {
  child: ChildProcess
  port: number
  tokens: string[]
}

/** Runs `fn` and returns its result with what the server process did meanwhile. */
async function watched<T>(server: Server, fn: () => Promise<T>): Promise<[T, ProcessStats]> {
  server.child.send('stats-reset')
  const result = await fn()
  server.child.send('stats')
  const { stats } = await new Promise<{ stats: ProcessStats }>((resolve) =>
    server.child.once('message', resolve as never),
  )
  return [result, stats]
}

async function startServer(kind: Kind, env: Record<string, string>): Promise<Server> {
  const child = fork(fileURLToPath(import.meta.url), [`--serve=${kind}`], {
    execArgv: serverExecArgv(),
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
  /** Steady-rate runs: what the load generator's process did (its stalls inflate latency too). */
  generator?: ProcessStats
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
async function paced(target: Target, rate: number, durationS: number): Promise<Result> {
  const url = new URL(target.url)
  const pool = new Pool(url.origin, { connections: CONNECTIONS, pipelining: 1 })
  // Preallocated: a growing array would make the generator's own GC pauses show up as latency.
  const latencies = new Float64Array(Math.ceil(rate * durationS) + 16)
  let measured = 0
  let errors = 0
  let non2xx = 0
  let sent = 0
  let inflight = 0
  const generator = recordProcessStats()
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
  const generatorStats = generator.read() // before the sort below, which blocks for a while
  const sorted = latencies.subarray(0, measured).sort()
  const at = (q: number) => sorted[Math.min(measured - 1, Math.floor(q * measured))] ?? NaN
  return {
    rps: sent / durationS,
    p50: at(0.5),
    p99: at(0.99),
    errors,
    non2xx,
    generator: generatorStats,
  }
}

/** {@link paced} in a fresh process: the parent's heap (autocannon's leftovers) cannot add GC pauses. */
async function pacedInChild(target: Target, rate: number, durationS = DURATION): Promise<Result> {
  const child = fork(fileURLToPath(import.meta.url), ['--paced'], {
    // The same flags as the servers: the generator allocates per request too, and its own
    // collections would otherwise show up as the servers' latency.
    execArgv: serverExecArgv(),
    stdio: 'inherit',
  })
  child.send({ target, rate, durationS })
  const result = await new Promise<Result>((resolve) => child.once('message', resolve as never))
  await new Promise((resolve) => child.once('exit', resolve))
  return result
}

function row(name: string, r: Result, base?: Result): string {
  const ratio = base ? `${((r.rps / base.rps) * 100).toFixed(1)}% of bare` : ''
  const bad = r.errors || r.non2xx ? `  (${r.errors} errors, ${r.non2xx} non-2xx)` : ''
  return `${name.padEnd(34)} ${r.rps.toFixed(0).padStart(8)} req/s   p50 ${r.p50.toFixed(2).padStart(6)} ms   p99 ${r.p99.toFixed(2).padStart(6)} ms   ${ratio}${bad}`
}

/** Starts one server, runs `fn` against it, stops it: only the measured server is running. */
async function withServer<T>(
  kind: Kind,
  env: Record<string, string>,
  fn: (server: Server) => Promise<T>,
): Promise<T> {
  const server = await startServer(kind, env)
  try {
    return await fn(server)
  } finally {
    server.child.send('stop')
    await new Promise((resolve) => server.child.once('exit', resolve))
  }
}

const target = (name: string, port: number, keys: string[]): Target => ({
  name,
  url: `http://127.0.0.1:${port}/v1/licenses/validate`,
  bodies: keys.map((key) => JSON.stringify({ key })),
})

/** The validate targets really validate. */
async function assertValid(t: Target): Promise<void> {
  const res = await fetch(t.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: t.bodies[0],
  })
  const json = (await res.json()) as { code: string }
  if (json.code !== 'VALID') throw new Error(`${t.name} answered ${JSON.stringify(json)}`)
}

async function main(): Promise<void> {
  const dbName = `tg_bench_${randomBytes(4).toString('hex')}`
  const admin = new pg.Client({ connectionString: PG_URL })
  await admin.connect()
  await admin.query(`create database "${dbName}"`)
  const url = new URL(PG_URL)
  url.pathname = `/${dbName}`
  const env = { BENCH_MASTER_KEY: MASTER_KEY, BENCH_PG_URL: url.toString() }
  console.log(
    `bench/server: ${CONNECTIONS} connections, ${DURATION}s per run, ${LICENSES} licenses round-robin, Node ${process.version}, server flags: ${SERVER_FLAGS_LABEL}`,
  )
  // Warm the steady-rate load generator itself (its first run pays undici's JIT and connects).
  const warmBare = (port: number) => target('bare Fastify POST', port, ['{}'])
  await withServer('bare', env, ({ port }) => pacedInChild(warmBare(port), 1000))

  // One server process at a time: an idle server's leftover GC work (V8 collects after a burst)
  // must not land on the measured one's cores. Each: warm-up, full load, then half of its peak
  // at a steady rate.
  const measureOne = (kind: Kind, name: string, keys?: string[], halfDuration = DURATION) =>
    withServer(kind, env, async (server) => {
      const t = target(name, server.port, keys ?? server.tokens)
      if (kind !== 'bare') await assertValid(t)
      await load(t, { duration: 2 })
      const full = await load(t)
      const rate = Math.max(1, Math.floor(full.rps / 2))
      const [half, stats] = await watched(server, () => pacedInChild(t, rate, halfDuration))
      return { tokens: server.tokens, full, half, stats }
    })
  const pgRun = await measureOne('postgres', 'validate (Postgres)', undefined, HALF_DURATION)
  const keys = pgRun.tokens
  const liteRun = await measureOne('pglite', 'validate (PGlite)')
  const noCacheRun = await measureOne('postgres-nocache', 'validate (Postgres, cache off)', keys)
  const bareRun = await measureOne('bare', 'bare Fastify POST', keys)
  // The bare route at the validate run's half-load rate: what the machine and the load
  // generator add by themselves at that rate.
  const halfPgRate = Math.max(1, Math.floor(pgRun.full.rps / 2))
  const [halfBare, halfBareStats] = await withServer('bare', env, (server) =>
    watched(server, () =>
      pacedInChild(target('bare', server.port, keys), halfPgRate, HALF_DURATION),
    ),
  )

  const rBare = bareRun.full
  const rPg = pgRun.full
  const halfPg = pgRun.half
  console.log()
  console.log(row('bare Fastify POST', rBare))
  console.log(row('validate (PGlite)', liteRun.full, rBare))
  console.log(row('validate (Postgres)', rPg, rBare))
  console.log(row('validate (Postgres, cache off)', noCacheRun.full, rBare))
  const steady = (label: string, r: Result, stats: ProcessStats, seconds: number) =>
    console.log(
      `${row(label, r)}\n${' '.repeat(36)}(${seconds} s)\n${' '.repeat(36)}${formatProcessStats(stats, 'server')}\n${' '.repeat(36)}${r.generator ? formatProcessStats(r.generator, 'load generator') : ''}`,
    )
  steady(
    `validate (PGlite) @ ${Math.floor(liteRun.full.rps / 2)} req/s`,
    liteRun.half,
    liteRun.stats,
    DURATION,
  )
  steady(`validate (Postgres) @ ${halfPgRate} req/s`, halfPg, pgRun.stats, HALF_DURATION)
  steady(`bare Fastify @ ${halfPgRate} req/s`, halfBare, halfBareStats, HALF_DURATION)
  steady(
    `  cache off @ ${Math.floor(noCacheRun.full.rps / 2)} req/s`,
    noCacheRun.half,
    noCacheRun.stats,
    DURATION,
  )
  const ratio = rPg.rps / rBare.rps
  console.log()
  console.log(
    `Postgres validate / bare = ${(ratio * 100).toFixed(1)}% (target >= 33%): ${ratio >= 0.33 ? 'OK' : 'BELOW TARGET'}; ` +
      `p99 at half load = ${halfPg.p99.toFixed(2)} ms (target < 10 ms): ${halfPg.p99 < 10 ? 'OK' : 'ABOVE TARGET'}`,
  )
  console.log(
    `cache off: ${((noCacheRun.full.rps / rBare.rps) * 100).toFixed(1)}% of bare, p99 at half load ${noCacheRun.half.p99.toFixed(2)} ms`,
  )
  const [load1] = (await import('node:os')).loadavg()
  console.log(`machine load average during the run: ${load1!.toFixed(2)} (2 cores)`)
  await admin.query(`drop database if exists "${dbName}" with (force)`)
  await admin.end()
}

const serveArg = process.argv.find((a) => a.startsWith('--serve='))
if (serveArg) await serve(serveArg.slice('--serve='.length) as Kind)
else if (process.argv.includes('--paced')) {
  const { target, rate, durationS } = await new Promise<{
    target: Target
    rate: number
    durationS: number
  }>((resolve) => process.once('message', resolve as never))
  // A short warm-up in this process first, so the measured run does not pay undici's JIT.
  await paced(target, Math.min(rate, 1000), 2)
  process.send!(await paced(target, rate, durationS), () => process.exit(0))
} else await main()
