// bench/console-list: the staff console's list pages on a tenant with many licenses against a
// small tenant in the same database and run (issue 16: every list page of a 1M-license tenant
// under 300 ms server time, and flat against a small tenant).
// Run: npx -y pnpm@10 bench:console [--preset small|large] [--keep]
// (env BENCH_PG_URL or TEST_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test).
// A fresh database of its own (`tg_console_<random>`, dropped at the end unless --keep) holds
// both tenants, filled with generate_series; each page is rendered through app.inject() with a
// signed-in staff session (a session row like the sign-in form writes) and its median over
// several runs is printed for both tenants with the ratio big/small.
import { createHash, randomBytes } from 'node:crypto'
import { loadavg } from 'node:os'
import { parseArgs } from 'node:util'
import pg from 'pg'
import { buildApp, createTenant } from '@tollgate/license-server'
import type { FastifyInstance } from 'fastify'

const BASE_URL =
  process.env.BENCH_PG_URL ??
  process.env.TEST_DATABASE_URL ??
  'postgres://postgres@127.0.0.1:5432/test'
const { values: args } = parseArgs({
  options: { preset: { type: 'string', default: 'small' }, keep: { type: 'boolean' } },
})
const PRESETS = {
  large: { licenses: 1_000_000, customers: 100_000 },
  small: { licenses: 100_000, customers: 10_000 },
}
const BIG = PRESETS[args.preset === 'large' ? 'large' : 'small']
const SMALL = { licenses: 10_000, customers: 1_000 }
const BUDGET_MS = 300
const WORDS = ['Acme', 'Globex', 'Initech', 'Umbrella', 'Hooli', 'Stark', 'Wayne', 'Tyrell']

interface Tenant {
  tag: string
  tenantId: string
  size: { licenses: number; customers: number }
  cookie: string
}

const withDb = (url: string, name: string) => {
  const u = new URL(url)
  u.pathname = `/${name}`
  return u.toString()
}

async function query(url: string, q: string, params: unknown[] = []): Promise<void> {
  const c = new pg.Client({ connectionString: url })
  await c.connect()
  try {
    await c.query(q, params)
  } finally {
    await c.end()
  }
}

/** Customers, three plans and licenses of one tenant, set-based (minutes, not hours). */
async function generate(url: string, t: Tenant, kid: string): Promise<void> {
  const c = new pg.Client({ connectionString: url })
  await c.connect()
  const step = async (what: string, q: string, params: unknown[]) => {
    const started = Date.now()
    await c.query(q, params)
    console.log(`  ${t.tag}: ${what} (${((Date.now() - started) / 1000).toFixed(1)} s)`)
  }
  const pad = (col: string) => `lpad((${col})::text, 10, '0')`
  try {
    await step(
      `${t.size.customers} customers`,
      `insert into customers (id, tenant_id, name, email, metadata, created_at, updated_at)
         select 'cus_g${t.tag}' || ${pad('g')}, $1, ($2::text[])[1 + g % 8] || ' ' || g,
                'c' || g || '@example.test', '{}', now(), now()
         from generate_series(1, $3::int) g`,
      [t.tenantId, WORDS, t.size.customers],
    )
    await step(
      '3 plans',
      `insert into plans (id, tenant_id, name, product, tier, entitlements, limits, policy,
                          duration_days, created_at, updated_at)
         select 'pln_g${t.tag}' || g, $1, 'Plan ' || g, 'app', 'pro', '["sso"]', '{}',
                '{"expiryGraceDays":7,"offlineGraceDays":30,"heartbeatIntervalS":3600,"maxDeployments":3}',
                365, now(), now()
         from generate_series(1, 3) g`,
      [t.tenantId],
    )
    await step(
      `${t.size.licenses} licenses (1 in 50 suspended, 1 in 10 revoked)`,
      `insert into licenses (id, tenant_id, customer_id, plan_id, product, tier, status,
                             entitlements, limits, policy, metadata, kid, issued_at, expires_at,
                             created_at, updated_at)
         select 'lic_g${t.tag}' || ${pad('g')}, $1, 'cus_g${t.tag}' || ${pad('(g % $2::int) + 1')},
                'pln_g${t.tag}' || (1 + g % 3), 'app', 'pro',
                case when g % 50 = 0 then 'suspended' when g % 10 = 0 then 'revoked'
                     else 'active' end,
                '["sso"]', '{}', '{}', '{}', $3, now() - interval '30 days',
                now() + (g % 700) * interval '1 day', now(), now()
         from generate_series(1, $4::int) g`,
      [t.tenantId, t.size.customers, kid, t.size.licenses],
    )
  } finally {
    await c.end()
  }
}

/** A staff member and a signed-in session row; returns the cookie header. */
async function signIn(url: string, tenantId: string, tag: string): Promise<string> {
  const raw = randomBytes(32).toString('base64url')
  const hash = createHash('sha256').update(raw).digest('hex')
  const id = `stf_bench${tag}`
  await query(
    url,
    `insert into staff_accounts (id, tenant_id, email, name, role, recovery_code_hashes,
                                 created_at, updated_at)
       values ($1, $2, $3, 'Bench', 'read-only', '[]', now(), now())`,
    [id, tenantId, `bench-${tag}@vendor.test`],
  )
  await query(
    url,
    `insert into web_sessions (id_hash, realm, stage, tenant_id, subject_id, data, created_at,
                               last_seen_at, idle_expires_at, expires_at)
       values ($1, 'staff', 'active', $2, $3, '{}', now(), now(), now() + interval '1 day',
               now() + interval '1 day')`,
    [hash, tenantId, id],
  )
  return `tg_console=${raw}; __Host-tg_console=${raw}`
}

/** The pages: one set per tenant (the deep page is 90% down the id order). */
function pages(t: Tenant): Array<[string, string]> {
  const deep = `lic_g${t.tag}${String(Math.floor(t.size.licenses * 0.1)).padStart(10, '0')}`
  const cursor = Buffer.from(deep, 'utf8').toString('base64url')
  return [
    ['licenses: first page', '/console/licenses'],
    ['licenses: by email', '/console/licenses?q=c777%40example.test'],
    ['licenses: name prefix', '/console/licenses?q=initech+1'],
    ['licenses: broad name prefix', '/console/licenses?q=initech'],
    ['licenses: status suspended', '/console/licenses?status=suspended'],
    ['licenses: expires before', '/console/licenses?expiresBefore=2000-01-01'],
    ['licenses: id prefix', `/console/licenses?q=lic_g${t.tag}00000001`],
    ['licenses: deep keyset page', `/console/licenses?after=${cursor}`],
    ['customers: first page', '/console/customers'],
    ['customers: name prefix', '/console/customers?q=hooli+2'],
    ['audit: first page', '/console/audit'],
  ]
}

async function median(app: FastifyInstance, url: string, cookie: string, runs = 7) {
  const once = async () => {
    const started = performance.now()
    const res = await app.inject({ method: 'GET', url, headers: { cookie } })
    const ms = performance.now() - started
    if (res.statusCode !== 200)
      throw new Error(`${url}: ${res.statusCode} ${res.body.slice(0, 200)}`)
    return ms
  }
  await once()
  const samples: number[] = []
  for (let i = 0; i < runs; i++) samples.push(await once())
  return samples.sort((a, b) => a - b)[Math.floor(runs / 2)]!
}

async function main(): Promise<void> {
  const name = `tg_console_${randomBytes(4).toString('hex')}`
  await query(BASE_URL, `create database "${name}"`)
  const url = withDb(BASE_URL, name)
  console.log(
    `bench:console preset ${args.preset}: database ${name}, load ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  )
  let app: FastifyInstance | undefined
  try {
    app = await buildApp({
      env: {},
      config: {
        databaseUrl: url,
        dbPoolSize: 4,
        dbTimeoutMs: 60_000,
        masterKey: randomBytes(32).toString('hex'),
        dataDir: 'memory://',
        logLevel: 'silent',
      },
      logger: false,
      fleet: { heartbeatFlushMs: 0, cullIntervalMs: 0, requestCountFlushMs: 0 },
    })
    const ctx = app.tollgate
    const small = await ctx.db
      .transaction()
      .execute((trx) =>
        createTenant(trx, ctx.signingKeys.masterKey, { name: 'small', now: new Date() }),
      )
    const tenants: Tenant[] = [
      { tag: 'b', tenantId: ctx.bootstrap.tenantId, size: BIG, cookie: '' },
      { tag: 's', tenantId: small.tenant.id, size: SMALL, cookie: '' },
    ]
    const started = Date.now()
    for (const t of tenants) {
      const key = await ctx.signingKeys.getActive(ctx.db, t.tenantId)
      await generate(url, t, key.kid)
      t.cookie = await signIn(url, t.tenantId, t.tag)
    }
    // As autovacuum would leave it: statistics and the visibility map (index-only scans).
    await query(url, 'vacuum analyze')
    console.log(`generated in ${((Date.now() - started) / 1000).toFixed(0)} s`)
    const [big, few] = tenants as [Tenant, Tenant]
    const rows: string[] = []
    let worst = 0
    let worstRatio = 0
    for (const [i, [label, path]] of pages(big).entries()) {
      const bigMs = await median(app, path, big.cookie)
      const smallMs = await median(app, pages(few)[i]![1], few.cookie)
      const ratio = bigMs / smallMs
      worst = Math.max(worst, bigMs)
      worstRatio = Math.max(worstRatio, ratio)
      rows.push(
        `${label.padEnd(30)} ${bigMs.toFixed(1).padStart(8)} ms ${smallMs.toFixed(1).padStart(8)} ms ${ratio.toFixed(2).padStart(7)}x`,
      )
    }
    console.log(
      `\n${'page'.padEnd(30)} ${`${BIG.licenses / 1000}k`.padStart(11)} ${'10k'.padStart(11)}   ratio`,
    )
    for (const r of rows) console.log(r)
    console.log(
      `\nworst ${worst.toFixed(1)} ms (budget ${BUDGET_MS} ms: ${worst < BUDGET_MS ? 'met' : 'NOT met'}), ` +
        `worst ratio ${worstRatio.toFixed(2)}x; load ${loadavg()
          .map((l) => l.toFixed(1))
          .join(' ')}`,
    )
  } finally {
    await app?.close()
    if (!args.keep) {
      await query(BASE_URL, `drop database if exists "${name}" with (force)`)
      console.log(`dropped ${name}`)
    }
  }
}

await main()
