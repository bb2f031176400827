// bench/scale: hot paths on a large database against an almost empty one built the same way,
// in the same run. Run: npx -y pnpm@10 bench:scale [--preset small|large] [--keep] [--reuse db]
// (--keep leaves the databases; --reuse <db> measures a kept large database again, with the
// same BENCH_MASTER_KEY as the run that made it, instead of generating a new one)
// (env BENCH_PG_URL, default postgres://postgres@127.0.0.1:5432/test). Each side gets its own
// fresh database (dropped at the end unless --keep), filled by bench/lib/scale-data.ts with
// generate_series; each path's median over several runs is printed with the large/empty ratio
// (goal <= 2x) and its absolute bound.
import { randomBytes } from 'node:crypto'
import { loadavg } from 'node:os'
import { parseArgs } from 'node:util'
import pg from 'pg'
import { signLicense, type SigningKey } from '@tollgate/license-client'
import { buildApp, cullDeadDeployments } from '@tollgate/license-server'
import type { FastifyInstance } from 'fastify'
import { insertApiKey } from '../packages/license-server/src/api-keys/api-key.repository.js'
import { generate, licenseId, PRESETS, type ScaleSize } from './lib/scale-data.js'

const BASE_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const { values: args } = parseArgs({
  options: {
    preset: { type: 'string', default: 'small' },
    keep: { type: 'boolean' },
    reuse: { type: 'string' },
  },
})
const preset = args.preset === 'large' ? 'large' : 'small'
const MASTER = process.env.BENCH_MASTER_KEY ?? randomBytes(32).toString('hex')

interface Side {
  name: string
  size: ScaleSize
  url: string
  app: FastifyInstance
  tenantId: string
  ownerKey: string
  key: SigningKey
  tokens: string[]
  drop: () => Promise<void>
}

const withDb = (url: string, name: string) => {
  const u = new URL(url)
  u.pathname = `/${name}`
  return u.toString()
}

async function admin(q: string): Promise<void> {
  const c = new pg.Client({ connectionString: BASE_URL })
  await c.connect()
  try {
    await c.query(q)
  } finally {
    await c.end()
  }
}

/** A kept database made by an earlier run (--keep) with the same BENCH_MASTER_KEY. */
async function reuseSide(name: string, size: ScaleSize, db: string): Promise<Side> {
  const url = withDb(BASE_URL, db)
  const app = await build(url)
  const { tenantId } = app.tollgate.bootstrap
  const key = await app.tollgate.signingKeys.getActive(app.tollgate.db, tenantId)
  // The owner key was shown once, to the run that made the database: mint one for this run.
  const { secret } = await insertApiKey(
    app.tollgate.db,
    tenantId,
    { name: 'bench', scopes: ['*'], createdBy: 'bench' },
    new Date(),
  )
  console.log(`${name}: reusing ${db}`)
  const dropDb = () => admin(`drop database if exists "${db}" with (force)`)
  return {
    name,
    size,
    url,
    app,
    tenantId,
    ownerKey: secret,
    key,
    tokens: signTokens(size, tenantId, key),
    drop: async () => {
      await app.close()
      if (!args.keep) await dropDb()
    },
  }
}

async function makeSide(name: string, size: ScaleSize): Promise<Side> {
  const db = `tg_scale_${name}_${randomBytes(4).toString('hex')}`
  await admin(`create database "${db}"`)
  if (args.keep) console.log(`${name}: database ${db} (kept)`)
  const url = withDb(BASE_URL, db)
  const dropDb = () => admin(`drop database if exists "${db}" with (force)`)
  let app: FastifyInstance
  try {
    app = await build(url)
  } catch (err) {
    await dropDb()
    throw err
  }
  const { tenantId, ownerKey } = app.tollgate.bootstrap
  const key = await app.tollgate.signingKeys.getActive(app.tollgate.db, tenantId)
  console.log(`${name}: generating in ${db}`)
  const started = Date.now()
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    await generate(client, tenantId, key.kid, size, (m) => console.log(m))
  } catch (err) {
    await app.close()
    await dropDb()
    throw err
  } finally {
    await client.end()
  }
  console.log(`${name}: generated in ${((Date.now() - started) / 1000).toFixed(0)} s`)
  const tokens = signTokens(size, tenantId, key)
  return {
    name,
    size,
    url,
    app,
    tenantId,
    ownerKey: ownerKey!,
    key,
    tokens,
    drop: async () => {
      await app.close()
      if (!args.keep) await dropDb()
    },
  }
}

function build(url: string): Promise<FastifyInstance> {
  return buildApp({
    env: {},
    config: {
      databaseUrl: url,
      dbPoolSize: 8,
      dbTimeoutMs: 30_000,
      masterKey: MASTER,
      dataDir: 'memory://',
      logLevel: 'silent',
      rateLimit: { windowMs: 60_000, publicMax: 1e9, adminMax: 1e9, tiers: { default: 1e9 } },
    },
    logger: false,
    fleet: { heartbeatFlushMs: 1000, cullIntervalMs: 0 },
  })
}

/** Keys for active licenses spread over the whole id range (g % 10 != 0 are active). */
function signTokens(size: ScaleSize, tenantId: string, key: SigningKey): string[] {
  // Keys for active licenses spread over the whole id range (g % 10 != 0 are active).
  const tokens: string[] = []
  const stride = Math.max(1, Math.floor(size.licenses / 400))
  for (let n = 1; tokens.length < 300 && n <= size.licenses; n += stride) {
    if (n % size.revokedEvery === 0) continue
    tokens.push(
      signLicense(
        {
          licenseId: licenseId(n),
          customerId: 'cus_g',
          product: 'app',
          tier: 'pro',
          entitlements: ['sso'],
          limits: { users: 50 },
          policy: {
            expiryGraceDays: 7,
            offlineGraceDays: 30,
            heartbeatIntervalS: 3600,
            maxDeployments: 3,
          },
          issuer: tenantId,
          issuedAt: new Date(Date.now() - 30 * 86_400_000),
        },
        key,
      ),
    )
  }
  return tokens
}

/** Median wall time of `fn`, ms, after one warm-up call. */
async function median(fn: (i: number) => Promise<unknown>, runs = 7): Promise<number> {
  await fn(-1)
  const samples: number[] = []
  for (let i = 0; i < runs; i++) {
    const t = performance.now()
    await fn(i)
    samples.push(performance.now() - t)
  }
  return samples.sort((a, b) => a - b)[Math.floor(runs / 2)]!
}

async function inject(s: Side, url: string, headers: Record<string, string> = {}) {
  const res = await s.app.inject({ method: 'GET', url, headers })
  if (res.statusCode >= 400) throw new Error(`${url}: ${res.statusCode} ${res.body.slice(0, 200)}`)
  return res
}
const adminGet = (s: Side, url: string) => inject(s, url, { authorization: `Bearer ${s.ownerKey}` })

async function dbStats(s: Side): Promise<{ xacts: number; activeMs: number }> {
  const c = new pg.Client({ connectionString: s.url })
  await c.connect()
  try {
    // Backends report their counters at most once a second: wait for them.
    await new Promise((r) => setTimeout(r, 1500))
    const { rows } = await c.query<{ x: string; a: number }>(
      `select xact_commit + xact_rollback as x, active_time as a from pg_stat_database
       where datname = current_database()`,
    )
    // This session's own queries count too; they are subtracted by the caller's baseline.
    return { xacts: Number(rows[0]!.x), activeMs: Number(rows[0]!.a) }
  } finally {
    await c.end()
  }
}

/** Heartbeats at `rate`/s for `seconds`, from distinct deployments; DB work per heartbeat. */
async function pacedHeartbeats(s: Side, rate: number, seconds: number) {
  const n = rate * seconds
  for (let i = 0; i < s.tokens.length; i++) {
    // Deployments of the sampled licenses: activate one per token once (outside the measure).
    await s.app.inject({
      method: 'POST',
      url: '/v1/deployments/activate',
      payload: { key: s.tokens[i], deploymentId: `bench-${i}` },
    })
  }
  await s.app.fleet.coalescer.flush()
  const before = await dbStats(s)
  const idle = await dbStats(s) // what two stats reads cost, to subtract
  const started = performance.now()
  const pending: Promise<unknown>[] = []
  for (let i = 0; i < n; i++) {
    const due = started + (i * 1000) / rate
    const wait = due - performance.now()
    if (wait > 0) await new Promise((r) => setTimeout(r, wait))
    const k = i % s.tokens.length
    pending.push(
      s.app.inject({
        method: 'POST',
        url: '/v1/deployments/heartbeat',
        payload: { key: s.tokens[k], deploymentId: `bench-${k}` },
      }),
    )
  }
  await Promise.all(pending)
  await s.app.fleet.coalescer.flush()
  const after = await dbStats(s)
  const overhead = idle.xacts - before.xacts
  return {
    xactsPerHb: (after.xacts - idle.xacts - overhead) / n,
    dbMsPerHb: (after.activeMs - idle.activeMs - (idle.activeMs - before.activeMs)) / n,
  }
}

interface Row {
  path: string
  empty: number
  large: number
  bound: string
  unit?: string
  ratioGoal?: boolean
}

async function measureSide(s: Side): Promise<Record<string, number>> {
  const out: Record<string, number> = {}
  const t0 = performance.now()
  const first = await inject(s, '/v1/revocations')
  out['revocations: first build (cold)'] = performance.now() - t0
  const { version } = first.json<{ version: number }>()
  const etag = first.headers.etag as string
  out['revocations: If-None-Match -> 304'] = await median(() =>
    inject(s, '/v1/revocations', { 'if-none-match': etag }),
  )
  const delta = await inject(s, `/v1/revocations?since=${version}`)
  out['revocations: ?since=current + If-None-Match -> 304'] = await median(() =>
    inject(s, `/v1/revocations?since=${version}`, {
      'if-none-match': delta.headers.etag as string,
    }),
  )
  out['revocations: delta since current-1'] = await median(() =>
    inject(s, `/v1/revocations?since=${Math.max(0, version - 1)}`),
  )
  out['revocations: cached full list (O(size))'] = await median(
    () => inject(s, '/v1/revocations'),
    3,
  )
  out['culler run'] = await median(() => cullDeadDeployments(s.app.fleet))
  out['validate'] = await median((i) =>
    s.app.inject({
      method: 'POST',
      url: '/v1/licenses/validate',
      payload: { key: s.tokens[(i + 1) % s.tokens.length] },
    }),
  )
  out['audit ?action='] = await median(() =>
    adminGet(s, '/v1/admin/audit?action=license.revoke&limit=50'),
  )
  out['audit ?actor='] = await median(() =>
    adminGet(s, '/v1/admin/audit?actor=key:key_g7&limit=50'),
  )
  out['audit ?targetId='] = await median((i) =>
    adminGet(
      s,
      `/v1/admin/audit?targetId=${licenseId((((i + 2) * 7919) % s.size.licenses) + 1)}&limit=50`,
    ),
  )
  out['audit ?targetType='] = await median(() =>
    adminGet(s, '/v1/admin/audit?targetType=plan&limit=50'),
  )
  out['customers ?email='] = await median((i) =>
    adminGet(
      s,
      `/v1/admin/customers?email=c${(((i + 2) * 31) % s.size.customers) + 1}@example.test`,
    ),
  )
  out['violations ?kind='] = await median(() =>
    adminGet(s, '/v1/admin/violations?kind=key_sharing&limit=50'),
  )
  await withClient(s, async (c) => {
    out['delete a customer (FK checks)'] = await median(async (i) => {
      const n = s.size.customers + 1 + Math.max(0, i % 10)
      await c.query('begin')
      await c.query('delete from customers where id = $1', [`cus_g${String(n).padStart(10, '0')}`])
      await c.query('rollback')
    })
  })
  // Once more after the other paths, more runs: a 304 must not depend on what ran before.
  out['revocations: If-None-Match -> 304 (again, 21 runs)'] = await median(
    () => inject(s, '/v1/revocations', { 'if-none-match': etag }),
    21,
  )
  const hb = await pacedHeartbeats(s, 100, 5)
  out['heartbeat @100/s: transactions each'] = hb.xactsPerHb
  out['heartbeat @100/s: DB active ms each'] = hb.dbMsPerHb
  return out
}

async function withClient(s: Side, fn: (c: pg.Client) => Promise<void>): Promise<void> {
  const c = new pg.Client({ connectionString: s.url })
  await c.connect()
  try {
    await fn(c)
  } finally {
    await c.end()
  }
}

const BOUNDS: Record<string, string> = {
  'revocations: If-None-Match -> 304': '< 5 ms',
  'revocations: ?since=current + If-None-Match -> 304': '< 5 ms',
  'revocations: If-None-Match -> 304 (again, 21 runs)': '< 5 ms',
  'culler run': '< 100 ms',
  'audit ?action=': '<= 50 ms',
  'audit ?actor=': '<= 50 ms',
  'audit ?targetId=': '<= 50 ms',
  'audit ?targetType=': '<= 50 ms',
  'heartbeat @100/s: transactions each': '<= 0.2',
  'heartbeat @100/s: DB active ms each': '<= 0.2 ms',
}
const NO_RATIO = new Set([
  'revocations: first build (cold)',
  'revocations: cached full list (O(size))',
  'heartbeat @100/s: transactions each',
  'heartbeat @100/s: DB active ms each',
])

async function main(): Promise<void> {
  const sides: Side[] = []
  try {
    sides.push(await makeSide('empty', PRESETS.empty))
    sides.push(
      args.reuse
        ? await reuseSide(preset, PRESETS[preset], args.reuse)
        : await makeSide(preset, PRESETS[preset]),
    )
    const [empty, large] = [await measureSide(sides[0]!), await measureSide(sides[1]!)]
    const rows: Row[] = Object.keys(empty).map((path) => ({
      path,
      empty: empty[path]!,
      large: large[path]!,
      bound: BOUNDS[path] ?? '',
      ratioGoal: !NO_RATIO.has(path),
    }))
    console.log(
      `\nbench:scale — preset ${preset} (${PRESETS[preset].licenses} licenses) vs empty (${PRESETS.empty.licenses})`,
    )
    console.log(
      `${'path'.padEnd(42)} ${'empty'.padStart(10)} ${preset.padStart(10)}  ratio   bound`,
    )
    for (const r of rows) {
      const ratio = r.large / r.empty
      const ratioText = r.ratioGoal ? `${ratio.toFixed(2)}x${ratio <= 2 ? '' : ' (>2x)'}` : 'n/a'
      console.log(
        `${r.path.padEnd(42)} ${r.empty.toFixed(3).padStart(10)} ${r.large.toFixed(3).padStart(10)}  ${ratioText.padEnd(7)} ${r.bound}`,
      )
    }
    console.log('(times in ms; heartbeat rows are per heartbeat; ratio goal <= 2x)')
    console.log(
      `load average: ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    )
  } finally {
    for (const s of sides) await s.drop().catch((e: unknown) => console.error(e))
  }
}

await main()
