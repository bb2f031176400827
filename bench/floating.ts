// bench/floating: floating-seat throughput on Postgres as a ratio of the heartbeat endpoint's,
// measured in the same run against the same server process.
// Run: npx pnpm@10 bench:floating   (env: BENCH_PG_URL, BENCH_SECONDS, BENCH_CONNECTIONS,
// BENCH_LICENSES). The server runs in a child process; an undici loop drives it from here.
// Heartbeat phase: every connection heartbeats its own activated deployment. Floating phase:
// every connection loops checkout (a fresh scope) -> renew -> check-in on one of BENCH_LICENSES
// floating licenses, so checkouts of one license contend for its row lock as in production.
// Reported: requests/s of each phase and their ratio (goal: floating >= 50% of heartbeat).
import { fork } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { loadavg } from 'node:os'
import pg from 'pg'
import type { Pool } from 'undici'
import {
  api,
  closedLoop,
  nextMessage,
  post,
  startBenchServer,
  type LoadResult,
} from './lib/drive.js'
import { SERVER_FLAGS_LABEL, serverExecArgv } from './lib/server-flags.js'

const BASE_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10)
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32)
const LICENSES = Number(process.env.BENCH_LICENSES ?? 16)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4)

type FromServer = { type: 'ready'; port: number; ownerKey: string } | { type: 'closed' }

async function serverMain(): Promise<void> {
  const app = await startBenchServer()
  process.on('message', () => {
    void app.close().then(() => {
      process.send!({ type: 'closed' } satisfies FromServer)
      process.exit(0)
    })
  })
  const port = (app.server.address() as { port: number }).port
  process.send!({ type: 'ready', port, ownerKey: app.tollgate.bootstrap.ownerKey! })
}

async function driverMain(): Promise<void> {
  const dbName = `tg_bench_${randomBytes(5).toString('hex')}`
  const admin = new pg.Client({ connectionString: BASE_URL })
  await admin.connect()
  await admin.query(`create database "${dbName}"`)
  const dbUrl = new URL(BASE_URL)
  dbUrl.pathname = `/${dbName}`
  console.log(
    `bench/floating: fresh database ${dbName}; ${CONNECTIONS} connections, ${LICENSES} floating licenses, ${SECONDS} s per phase; server flags: ${SERVER_FLAGS_LABEL}`,
  )
  const child = fork(process.argv[1]!, [], {
    execArgv: serverExecArgv(),
    env: { ...process.env, BENCH_ROLE: 'server', BENCH_DB_URL: dbUrl.toString() },
  })
  try {
    const ready = await nextMessage<Extract<FromServer, { type: 'ready' }>>(child, 'ready')
    const base = `http://127.0.0.1:${ready.port}`
    const owner = ready.ownerKey
    const customer = await api<{ id: string }>(base, '/v1/admin/customers', { name: 'B' }, owner)
    const policy = {
      expiryGraceDays: 7,
      offlineGraceDays: 30,
      heartbeatIntervalS: 3600,
      maxDeployments: 0,
      floating: { seats: 10_000, leaseTtlS: 300, overage: 'deny' },
    }
    const plan = await api<{ id: string }>(
      base,
      '/v1/admin/plans',
      { name: 'F', product: 'bench', tier: 'pro', entitlements: [], limits: {}, policy },
      owner,
    )
    const tokens: string[] = []
    for (let i = 0; i < LICENSES; i++) {
      const body = { customerId: customer.id, planId: plan.id }
      tokens.push((await api<{ token: string }>(base, '/v1/admin/licenses', body, owner)).token)
    }
    const keyOf = (w: number) => tokens[w % LICENSES]!
    for (let w = 0; w < CONNECTIONS; w++) {
      await api(base, '/v1/deployments/activate', { key: keyOf(w), deploymentId: `dep-${w}` })
    }
    const heartbeat = (pool: Pool, w: number) =>
      post(pool, '/v1/deployments/heartbeat', { key: keyOf(w), deploymentId: `dep-${w}` }).then(
        () => 1,
      )
    let cycle = 0
    // One cycle = checkout + renew (what is measured) + check-in (so seats do not pile up).
    const floating = async (pool: Pool, w: number): Promise<number> => {
      const key = keyOf(w)
      const scope = `w${w}-${cycle++}`
      const seat = await post(pool, '/v1/seats/checkout', { key, scope, deploymentId: `dep-${w}` })
      await post(pool, '/v1/seats/renew', { key, leaseId: seat.leaseId })
      await post(pool, '/v1/seats/checkin', { key, leaseId: seat.leaseId })
      return 1
    }
    const load = (seconds: number, step: typeof heartbeat) =>
      closedLoop(base, CONNECTIONS, seconds, step)
    await load(2, heartbeat) // warm-up
    await load(2, floating)
    // Alternating rounds (hb, fl, hb, fl, ...): a shared machine's load drifts, and both phases
    // should see the same drift. Same pool size, same closed loop for both.
    const hbRounds: LoadResult[] = []
    const flRounds: LoadResult[] = []
    const slice = SECONDS / ROUNDS
    for (let r = 0; r < ROUNDS; r++) {
      hbRounds.push(await load(slice, heartbeat))
      flRounds.push(await load(slice, floating))
    }
    const sum = (rs: LoadResult[], k: 'requests' | 'failures') => rs.reduce((n, x) => n + x[k], 0)
    const hbRps = sum(hbRounds, 'requests') / SECONDS
    const cycles = sum(flRounds, 'requests') / SECONDS
    // checkout + renew requests per second (check-in excluded), against heartbeat requests/s.
    const ratio = (cycles * 2) / hbRps
    console.log(
      `heartbeat: ${hbRps.toFixed(0)} req/s (${sum(hbRounds, 'requests')} requests, ${sum(hbRounds, 'failures')} failures)`,
    )
    console.log(
      `floating: ${cycles.toFixed(1)} cycles/s = ${(cycles * 2).toFixed(0)} checkout+renew req/s (+ ${cycles.toFixed(0)} check-ins/s; ${sum(flRounds, 'failures')} failed cycles)`,
    )
    console.log(
      `ratio checkout+renew / heartbeat: ${(ratio * 100).toFixed(1)}% (goal >= 50%: ${ratio >= 0.5 ? 'met' : 'NOT met'}); all floating requests / heartbeat: ${(((cycles * 3) / hbRps) * 100).toFixed(1)}%; ${ROUNDS} alternating rounds; load average ${loadavg()[0]!.toFixed(1)}`,
    )
    const exited = once(child, 'exit')
    child.send({ type: 'close' })
    await nextMessage(child, 'closed')
    await exited
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL')
    await admin.query(`drop database if exists "${dbName}" with (force)`)
    await admin.end()
  }
}

if (process.env.BENCH_ROLE === 'server') await serverMain()
else await driverMain()
