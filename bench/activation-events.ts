// bench/activation-events: what writing lifecycle events costs an activation (issue 19).
// Run: npx pnpm@10 bench:events   (env: BENCH_PG_URL, BENCH_ACTIVATIONS per phase, BENCH_CONCURRENCY).
// One server in this process on a scratch Postgres database; activations go through the real
// route (app.inject). Phases alternate events ON / OFF / ON / OFF in the same run: OFF adds a
// trigger that skips every insert into `events`, so the only difference is the event write.
// Prints activations/s per phase and the ratio ON / OFF (1.00 = free).
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { buildApp } from '@tollgate/license-server'

const BASE_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const PER_PHASE = Number(process.env.BENCH_ACTIVATIONS ?? 400)
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16)

function withDb(url: string, name: string): string {
  const u = new URL(url)
  u.pathname = `/${name}`
  return u.toString()
}

async function main(): Promise<void> {
  const dbName = `bench_events_${randomBytes(4).toString('hex')}`
  const admin = new pg.Client({ connectionString: BASE_URL })
  await admin.connect()
  await admin.query(`create database "${dbName}"`)
  const dbUrl = withDb(BASE_URL, dbName)
  const app = await buildApp({
    env: {},
    config: {
      databaseUrl: dbUrl,
      masterKey: randomBytes(32).toString('hex'),
      logLevel: 'warn',
      dbPoolSize: 10,
      rateLimit: { windowMs: 60_000, publicMax: 1e9, adminMax: 1e9, tiers: { default: 1e9 } },
    },
    logger: false,
  })
  const sqlClient = new pg.Client({ connectionString: dbUrl })
  await sqlClient.connect()
  try {
    // A BEFORE trigger answering NULL skips the row (a rule cannot: the insert has ON CONFLICT);
    // emitEvent then sees no row, as for a duplicate, and skips the endpoint lookup as well.
    await sqlClient.query(
      'create function bench_events_off() returns trigger language plpgsql as $$ begin return null; end $$',
    )
    const auth = { authorization: `Bearer ${app.tollgate.bootstrap.ownerKey!}` }
    const post = async (url: string, payload: object) =>
      (await app.inject({ method: 'POST', url, headers: auth, payload })).json<{
        id: string
        token: string
      }>()
    const customer = await post('/v1/admin/customers', { name: 'Bench' })
    const plan = await post('/v1/admin/plans', {
      name: 'Bench',
      product: 'bench',
      tier: 'pro',
      entitlements: [],
      limits: {},
      policy: {
        maxDeployments: 1_000_000,
        heartbeatIntervalS: 3600,
        offlineGraceDays: 7,
        expiryGraceDays: 0,
      },
    })
    // One license per worker: activations of one license serialise on its seat lock.
    const tokens: string[] = []
    for (let i = 0; i < CONCURRENCY; i++) {
      tokens.push(
        (await post('/v1/admin/licenses', { customerId: customer.id, planId: plan.id })).token,
      )
    }
    const countEvents = async (): Promise<number> =>
      Number(
        (await sqlClient.query<{ count: string }>('select count(*) from events')).rows[0]!.count,
      )
    let seq = 0
    const activate = async (worker: number) => {
      const res = await app.inject({
        method: 'POST',
        url: '/v1/deployments/activate',
        payload: { key: tokens[worker], deploymentId: `host-${seq++}` },
      })
      if (res.statusCode !== 200) throw new Error(`activate ${res.statusCode}: ${res.body}`)
    }
    const phase = async (events: boolean): Promise<number> => {
      if (events) await sqlClient.query('drop trigger if exists bench_events_off on events')
      else {
        await sqlClient.query(
          'create trigger bench_events_off before insert on events for each row execute function bench_events_off()',
        )
      }
      const before = await countEvents()
      const started = process.hrtime.bigint()
      let left = PER_PHASE
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async (_, worker) => {
          while (left-- > 0) await activate(worker)
        }),
      )
      const seconds = Number(process.hrtime.bigint() - started) / 1e9
      const after = await countEvents()
      const rate = PER_PHASE / seconds
      console.log(
        `events ${events ? 'ON ' : 'OFF'}: ${rate.toFixed(0)} activations/s (${((seconds * 1000) / PER_PHASE).toFixed(2)} ms of server time each, ${CONCURRENCY} in flight), ${after - before} events written`,
      )
      return rate
    }
    await phase(true) // warm-up (JIT, pool, caches), not counted
    const on: number[] = []
    const off: number[] = []
    for (let round = 0; round < 3; round++) {
      on.push(await phase(true))
      off.push(await phase(false))
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length
    const ratio = mean(on) / mean(off)
    console.log(
      `ratio activation throughput events ON / OFF: ${ratio.toFixed(3)} (events ≈ ${((1 / mean(on) - 1 / mean(off)) * 1000).toFixed(2)} ms of ${(1000 / mean(on)).toFixed(2)} ms of server time per activation)`,
    )
  } finally {
    await sqlClient.end()
    await app.close()
    await admin.query(`drop database if exists "${dbName}" with (force)`)
    await admin.end()
  }
}

await main()
