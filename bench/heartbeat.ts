// bench/heartbeat: sustained heartbeats from N simulated deployments against Postgres.
// Run: npx pnpm@10 bench:heartbeat   (env: BENCH_PG_URL, BENCH_DEPLOYMENTS, BENCH_SECONDS,
// BENCH_CONNECTIONS). The license server runs in a child process (its own core); an undici
// load loop drives it from this process. A bare Fastify route in the same child, measured in the same
// run, is the baseline. Afterwards the server closes gracefully and every deployment's
// last-seen time in the database is checked against the last heartbeat it got a 200 for.
import { fork } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { cpus, loadavg } from 'node:os'
import pg from 'pg'
import { Pool } from 'undici'
import { KeySet, verifyLease, type Jwks } from '@tollgate/license-client'
import { api, nextMessage, startBenchServer } from './lib/drive.js'
import { SERVER_FLAGS_LABEL, serverExecArgv } from './lib/server-flags.js'

const BASE_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const DEPLOYMENTS = Number(process.env.BENCH_DEPLOYMENTS ?? 5000)
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20)
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64)
const PER_LICENSE = 250

type ToServer = { type: 'stats' } | { type: 'close' }
type FromServer =
  | { type: 'ready'; port: number; barePort: number; ownerKey: string }
  | {
      type: 'stats'
      coalescer: Record<string, number>
      loaderQueries: number
      loaderMs: number
      cpuUs: number
    }
  | { type: 'closed' }

// ---------------------------------------------------------------- server (child process) ----
async function serverMain(): Promise<void> {
  const Fastify = (await import('fastify')).default
  const app = await startBenchServer()
  let shown = 0
  app.server.on('clientError', (err: Error & { rawPacket?: Buffer }) => {
    if (shown++ < 2)
      console.error('clientError', err.message, err.rawPacket?.toString().slice(0, 200))
  })
  const bare = Fastify({ logger: false })
  const leaseSized = 'x'.repeat(330)
  bare.post('/bare', async () => ({ status: 'active', code: 'VALID', lease: leaseSized }))
  await bare.listen({ port: 0, host: '127.0.0.1' })
  const port = (app.server.address() as { port: number }).port
  const barePort = (bare.server.address() as { port: number }).port
  const send = (m: FromServer) => process.send!(m)
  process.on('message', (m: ToServer) => {
    if (m.type === 'stats') {
      send({
        type: 'stats',
        coalescer: { ...app.fleet.coalescer.stats, pending: app.fleet.coalescer.size },
        loaderQueries: app.fleet.loader.queries,
        loaderMs: app.fleet.loader.queryMs,
        cpuUs: process.cpuUsage().user + process.cpuUsage().system,
      })
    } else {
      void (async () => {
        await bare.close()
        await app.close() // flushes pending heartbeats (onClose)
        send({ type: 'closed' })
        process.exit(0)
      })()
    }
  })
  send({ type: 'ready', port, barePort, ownerKey: app.tollgate.bootstrap.ownerKey! })
}

// ---------------------------------------------------------------- driver (this process) -----
async function pool<T>(
  items: T[],
  concurrency: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let i = 0
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (i < items.length) await fn(items[i++]!)
    }),
  )
}

/** Outcome of one load phase. */
interface LoadResult {
  rps: number
  p50: number
  p99: number
  requests: number
  non2xx: number
  errors: number
}

/**
 * Sustained load: CONNECTIONS keep-alive connections, one request in flight on each, every
 * request for the next deployment in turn (so all N deployments ping evenly). `onAnswer` gets
 * the deployment index, the time just before the request was handed to undici, status and body.
 */
async function load(
  origin: string,
  path: string,
  bodies: readonly string[],
  seconds: number,
  onAnswer: (i: number, sentAt: number, status: number, body: string) => void,
): Promise<LoadResult> {
  const pool = new Pool(origin, {
    connections: CONNECTIONS,
    pipelining: 1,
    keepAliveTimeout: 60_000,
  })
  const latencies: number[] = []
  let next = 0
  let non2xx = 0
  let errors = 0
  const started = performance.now()
  const until = started + seconds * 1000
  const worker = async (): Promise<void> => {
    while (performance.now() < until) {
      const i = next++ % bodies.length
      const sentAt = Date.now()
      const t0 = performance.now()
      try {
        const res = await pool.request({
          method: 'POST',
          path,
          headers: { 'content-type': 'application/json' },
          body: bodies[i],
        })
        const text = await res.body.text()
        latencies.push(performance.now() - t0)
        if (res.statusCode < 200 || res.statusCode >= 300) non2xx++
        onAnswer(i, sentAt, res.statusCode, text)
      } catch {
        errors++
      }
    }
  }
  await Promise.all(Array.from({ length: CONNECTIONS }, worker))
  const elapsed = (performance.now() - started) / 1000
  await pool.close()
  latencies.sort((a, b) => a - b)
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN
  return {
    rps: latencies.length / elapsed,
    p50: at(0.5),
    p99: at(0.99),
    requests: latencies.length,
    non2xx,
    errors,
  }
}

async function driverMain(): Promise<void> {
  const dbName = `tg_bench_${randomBytes(5).toString('hex')}`
  const adminUrl = new URL(BASE_URL)
  const dbUrl = new URL(BASE_URL)
  dbUrl.pathname = `/${dbName}`
  const adminClient = new pg.Client({ connectionString: adminUrl.toString() })
  await adminClient.connect()
  await adminClient.query(`create database "${dbName}"`)
  await adminClient.end()
  console.log(
    `bench/heartbeat: fresh database ${dbName}; ${DEPLOYMENTS} deployments, ${CONNECTIONS} connections, ${SECONDS} s; server flags: ${SERVER_FLAGS_LABEL}`,
  )

  const child = fork(process.argv[1]!, [], {
    // BENCH_CPU_PROF=<dir> writes a V8 CPU profile of the server process there.
    execArgv: serverExecArgv(
      process.env.BENCH_CPU_PROF
        ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`]
        : [],
    ),
    env: { ...process.env, BENCH_ROLE: 'server', BENCH_DB_URL: dbUrl.toString() },
  })
  try {
    const ready = await nextMessage<Extract<FromServer, { type: 'ready' }>>(child, 'ready')
    const base = `http://127.0.0.1:${ready.port}`
    const jwks = (await (await fetch(`${base}/.well-known/jwks.json`)).json()) as Jwks
    const keys = KeySet.from(jwks)

    // Seed: licenses of PER_LICENSE seats each, every deployment activated once.
    const owner = ready.ownerKey
    const customer = await api<{ id: string }>(
      base,
      '/v1/admin/customers',
      { name: 'Bench Corp' },
      owner,
    )
    const plan = await api<{ id: string }>(
      base,
      '/v1/admin/plans',
      {
        name: 'Fleet',
        product: 'bench',
        tier: 'enterprise',
        entitlements: [],
        limits: {},
        policy: {
          expiryGraceDays: 7,
          offlineGraceDays: 30,
          heartbeatIntervalS: 3600,
          maxDeployments: PER_LICENSE,
        },
        durationDays: 365,
      },
      owner,
    )
    const tokens: string[] = []
    for (let i = 0; i < Math.ceil(DEPLOYMENTS / PER_LICENSE); i++) {
      const r = await api<{ token: string }>(
        base,
        '/v1/admin/licenses',
        { customerId: customer.id, planId: plan.id },
        owner,
      )
      tokens.push(r.token)
    }
    const deps = Array.from({ length: DEPLOYMENTS }, (_, i) => ({
      id: `bench-${i.toString().padStart(6, '0')}`,
      key: tokens[Math.floor(i / PER_LICENSE)]!,
    }))
    const t0 = Date.now()
    await pool(deps, 32, async (d) => {
      await api(base, '/v1/deployments/activate', {
        key: d.key,
        deploymentId: d.id,
        appVersion: '1.0.0',
      })
    })
    console.log(
      `seeded ${tokens.length} licenses, activated ${DEPLOYMENTS} deployments in ${Date.now() - t0} ms`,
    )

    const bodies = deps.map((d) =>
      JSON.stringify({ key: d.key, deploymentId: d.id, appVersion: '1.0.1' }),
    )
    const lastAck = new Float64Array(DEPLOYMENTS)
    let checked = 0
    let badLeases = 0
    const failures = new Map<string, number>()
    const onAnswer = (i: number, sentAt: number, status: number, body: string): void => {
      if (status !== 200) {
        const code = `${status} ${/"code":"([A-Z_]+)"/.exec(body)?.[1] ?? body.slice(0, 60)}`
        failures.set(code, (failures.get(code) ?? 0) + 1)
        return
      }
      if (sentAt > lastAck[i]!) lastAck[i] = sentAt
      // Verify a sample of the leases in the client codec (all of them would load this core).
      if (i % 97 === 0) {
        checked++
        try {
          const lease = verifyLease((JSON.parse(body) as { lease: string }).lease, keys)
          if (lease.deployment !== deps[i]!.id || lease.status !== 'active') badLeases++
        } catch {
          badLeases++
        }
      }
    }

    // Baseline: a bare Fastify route answering a lease-sized JSON, driven by the same loop
    // (same bodies, same connections), so the ratio is the server's own cost.
    const bare = await load(
      `http://127.0.0.1:${ready.barePort}`,
      '/bare',
      bodies,
      Math.max(4, Math.round(SECONDS / 3)),
      () => undefined,
    )
    await load(base, '/v1/deployments/heartbeat', bodies, 3, onAnswer) // warm-up (JIT, caches, pool)
    const child0 = (await (child.send({ type: 'stats' }),
    nextMessage<FromServer>(child, 'stats'))) as Extract<FromServer, { type: 'stats' }>
    const driverCpu0 = process.cpuUsage()
    const wall0 = performance.now()
    const hb = await load(base, '/v1/deployments/heartbeat', bodies, SECONDS, onAnswer)
    const driverCpu = process.cpuUsage(driverCpu0)
    const wallUs = (performance.now() - wall0) * 1000
    const child1 = (await (child.send({ type: 'stats' }),
    nextMessage<FromServer>(child, 'stats'))) as Extract<FromServer, { type: 'stats' }>

    const exited = once(child, 'exit')
    child.send({ type: 'close' })
    await nextMessage<FromServer>(child, 'closed')
    await exited

    // Every deployment's last-seen must be at least the send time of its last acknowledged heartbeat.
    const check = new pg.Client({ connectionString: dbUrl.toString() })
    await check.connect()
    const { rows } = await check.query<{ install_id: string; seen: string }>(
      `select install_id, (extract(epoch from last_seen_at) * 1000)::float8 as seen from deployments`,
    )
    await check.end()
    const seen = new Map(rows.map((r) => [r.install_id, Number(r.seen)]))
    let missing = 0
    let stale = 0
    let neverAcked = 0
    deps.forEach((d, i) => {
      const s = seen.get(d.id)
      if (s === undefined || Number.isNaN(s)) missing++
      else if (lastAck[i] === 0) neverAcked++
      else if (s < lastAck[i]!) stale++
    })

    const hbCount = child1.coalescer.recorded! - child0.coalescer.recorded!
    const statements = child1.coalescer.statements! - child0.coalescer.statements!
    const reads = child1.loaderQueries - child0.loaderQueries
    const readMs = child1.loaderMs - child0.loaderMs
    const rps = hb.rps
    const fmt = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 1 })
    console.log('')
    console.log(
      `machine: ${cpus().length} cores, load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' / ')} (1/5/15 min; other work on the machine shares these cores)`,
    )
    console.log('| run | req/s (avg) | p50 ms | p99 ms | non-2xx | errors |')
    console.log('|---|---|---|---|---|---|')
    console.log(
      `| bare Fastify POST (baseline) | ${fmt(bare.rps)} | ${fmt(bare.p50)} | ${fmt(bare.p99)} | ${bare.non2xx} | ${bare.errors} |`,
    )
    console.log(
      `| POST /v1/deployments/heartbeat | ${fmt(rps)} | ${fmt(hb.p50)} | ${fmt(hb.p99)} | ${hb.non2xx} | ${hb.errors} |`,
    )
    console.log('')
    console.log(
      `heartbeats/s: ${fmt(rps)} (${fmt((rps / bare.rps) * 100)}% of bare Fastify); p99 ${fmt(hb.p99)} ms; target >= 5,000/s: ${rps >= 5000 ? 'met' : 'NOT met'}`,
    )
    console.log(
      `heartbeats recorded by the server: ${fmt(hbCount)}; UPDATE statements: ${statements} (${fmt(hbCount / Math.max(1, statements))} heartbeats per statement); status reads: ${reads} (${fmt(hbCount / Math.max(1, reads))} heartbeats per query, ${fmt(readMs / Math.max(1, reads))} ms per query)`,
    )
    const pct = (us: number) => `${fmt((us / wallUs) * 100)}%`
    console.log(
      `CPU during the heartbeat run: server process ${pct(child1.cpuUs - child0.cpuUs)} of one core, load generator ${pct(driverCpu.user + driverCpu.system)}`,
    )
    console.log(`leases verified in the client codec (sample): ${checked}, bad: ${badLeases}`)
    console.log(
      `deployments: ${DEPLOYMENTS}; last-seen missing: ${missing}; stale (older than the last acknowledged heartbeat): ${stale}; never heartbeated during the run: ${neverAcked}`,
    )
    if (failures.size > 0)
      console.log(
        `non-200 answers by status and code: ${JSON.stringify(Object.fromEntries(failures))}`,
      )
    if (missing + stale + badLeases > 0 || hb.non2xx > 0) process.exitCode = 1
  } finally {
    if (child.exitCode === null) {
      child.kill()
      await once(child, 'exit').catch(() => undefined)
    }
    const drop = new pg.Client({ connectionString: adminUrl.toString() })
    await drop.connect()
    await drop.query(`drop database if exists "${dbName}" with (force)`)
    await drop.end()
  }
}

if (process.env.BENCH_ROLE === 'server') await serverMain()
else await driverMain()
