// Shared driver pieces of the HTTP benches (bench/heartbeat.ts, bench/floating.ts): wait for a
// message from the forked server, call the admin API, and a closed-loop load on one undici pool,
// so both benches drive the server the same way (same connections, same loop, same counting).
import type { ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '@tollgate/license-server'
import { Pool } from 'undici'

/** The first message of `type` from the forked server process. */
export function nextMessage<M extends { type: string }>(
  child: ChildProcess,
  type: M['type'],
): Promise<M> {
  return new Promise((resolve) => {
    const on = (m: M) => {
      if (m.type !== type) return
      child.off('message', on)
      resolve(m)
    }
    child.on('message', on)
  })
}

/** POSTs JSON (optionally with an admin key) and returns the parsed answer; throws on non-2xx. */
export async function api<T>(base: string, path: string, body: unknown, key?: string): Promise<T> {
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

/** A POST on the load pool; throws unless 200. */
export async function post(
  pool: Pool,
  path: string,
  body: unknown,
): Promise<Record<string, unknown>> {
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

/** What {@link closedLoop} measured: counted requests per second, and failed steps. */
export interface LoadResult {
  rps: number
  requests: number
  failures: number
}

/**
 * Closed loop: `connections` workers on one pool of `connections` connections, each running
 * `step(pool, worker)` back to back for `seconds`; a step returns how many requests it counts.
 */
export async function closedLoop(
  origin: string,
  connections: number,
  seconds: number,
  step: (pool: Pool, worker: number) => Promise<number>,
): Promise<LoadResult> {
  const pool = new Pool(origin, { connections, pipelining: 1 })
  let requests = 0
  let failures = 0
  const started = performance.now()
  const until = started + seconds * 1000
  await Promise.all(
    Array.from({ length: connections }, async (_, w) => {
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

/**
 * The server side of both benches: the license server on `BENCH_DB_URL` (same pool size and
 * settings for heartbeat and floating), listening on a free port. Rate limiting stays on (its
 * hooks run on every request) but cannot trip.
 */
export async function startBenchServer(): Promise<FastifyInstance> {
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
  return app
}
