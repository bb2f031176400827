// bench/floating: floating-seat throughput on Postgres as a ratio of the heartbeat endpoint's,
// measured in the same run against the same server process.
// Run: npx pnpm@10 bench:floating   (env: BENCH_PG_URL, BENCH_SECONDS, BENCH_CONNECTIONS,
// BENCH_LICENSES). The server runs in a child process; an undici loop drives it from here.
// Heartbeat phase: every connection heartbeats its own activated deployment. Floating phase:
// every connection loops checkout (a fresh scope) -> renew -> check-in on one of BENCH_LICENSES
// floating licenses, so checkouts of one license contend for its row lock as in production.
// Reported: requests/s of each phase and their ratio (goal: floating >= 50% of heartbeat).
import { fork, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { loadavg } from 'node:os'
import pg from 'pg'
import { Pool } from 'undici'
import { buildApp } from '@tollgate/license-server'
import { SERVER_FLAGS_LABEL, serverExecArgv } from './lib/server-flags.js'

const BASE_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10)
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32)
const LICENSES = Number(process.env.BENCH_LICENSES ?? 16)

type FromServer = { type: 'ready'; port: number; ownerKey: string } | { type: 'closed' }

async function serverMain(): Promise<void> {
  const app = await buildApp({
    env: {},
    config: {
      databaseUrl: process.env.BENCH_DB_URL!,
      masterKey: randomBytes(32).toString('hex'),
      logLevel: 'warn',
      dbPoolSize: 10,
      rateLimit: { windowMs: 60_000, publicMax: 1e9, adminMax: 1e9, tiers: { default: 1e9 } },
    },
    logger: false,
  })
  await app.listen({ port: 0, host: '127.0.0.1' })
  process.on('message', () => {
    void app.close().then(() => {
      process.send!({ type: 'closed' } satisfies FromServer)
      process.exit(0)
    })
  })
  const port = (app.server.address() as { port: number }).port
  process.send!({ type: 'ready', port, ownerKey: app.tollgate.bootstrap.ownerKey! })
}

function next(child: ChildProcess, type: FromServer['type']): Promise<FromServer> {
  return new Promise((resolve) => {
    const on = (m: FromServer) => {
      if (m.type !== type) return
      child.off('message', on)
      resolve(m)
    }
    child.on('message', on)
  })
}

async function api<T>(base: string, path: string, body: unknown, key?: string): Promise<T> {
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(key ? { authorization: `Bearer ${key}` } : {}),
    },
    body: JSON.stringify(body),
  })
  const text = await res.text()
  if (!res.ok) throw new Error(`${path} answered ${res.status}: ${text}`)
  return JSON.parse(text) as T
}

/** Runs `step(worker)` in a loop on CONNECTIONS workers for `seconds`; requests/s and failures. */
async function load(
  origin: string,
  seconds: number,
  step: (pool: Pool, worker: number) => Promise<number>,
): Promise<{ rps: number; requests: number; failures: number }> {
  const pool = new Pool(origin, { connections: CONNECTIONS, pipelining: 1 })
  let requests = 0
  let failures = 0
  const started = performance.now()
  const until = started + seconds * 1000
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async (_, w) => {
      while (performance.now() < until) {
        try {
          requests += await step(pool, w)
        } catch {
          failures++
        }
      }
    }),
  )
  const elapsed = (performance.now() - started) / 1000
  await pool.close()
  return { rps: requests / elapsed, requests, failures }
}

async function post(pool: Pool, path: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await pool.request({
    method: 'POST',
    path,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  const text = await res.body.text()
  if (res.statusCode !== 200) throw new Error(`${path} ${res.statusCode} ${text.slice(0, 80)}`)
  return JSON.parse(text) as Record<string, unknown>
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
    const ready = (await next(child, 'ready')) as Extract<FromServer, { type: 'ready' }>
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
    const floating = async (pool: Pool, w: number): Promise<number> => {
      const key = keyOf(w)
      const scope = `w${w}-${cycle++}`
      const seat = await post(pool, '/v1/seats/checkout', { key, scope, deploymentId: `dep-${w}` })
      await post(pool, '/v1/seats/renew', { key, leaseId: seat.leaseId })
      await post(pool, '/v1/seats/checkin', { key, leaseId: seat.leaseId })
      return 3
    }
    await load(base, 2, heartbeat) // warm-up
    await load(base, 2, floating)
    const hb = await load(base, SECONDS, heartbeat)
    const fl = await load(base, SECONDS, floating)
    const ratio = fl.rps / hb.rps
    console.log(
      `heartbeat: ${hb.rps.toFixed(0)} req/s (${hb.requests} requests, ${hb.failures} failures)`,
    )
    console.log(
      `floating checkout+renew+checkin: ${fl.rps.toFixed(0)} req/s (${fl.requests} requests, ${fl.failures} failed cycles; ${(fl.rps / 3).toFixed(0)} cycles/s)`,
    )
    console.log(
      `ratio floating/heartbeat: ${(ratio * 100).toFixed(1)}% (goal >= 50%: ${ratio >= 0.5 ? 'met' : 'NOT met'}); load average ${loadavg()[0]!.toFixed(1)}`,
    )
    const exited = once(child, 'exit')
    child.send({ type: 'close' })
    await next(child, 'closed')
    await exited
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL')
    await admin.query(`drop database if exists "${dbName}" with (force)`)
    await admin.end()
  }
}

if (process.env.BENCH_ROLE === 'server') await serverMain()
else await driverMain()
