import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { verifyPoolFile, type Jwks } from '@tollgate/license-client'
import { customerCreate, licenseIssue, run } from '@tollgate/cli'
import { testContext, type TestContext } from './helpers/context.js'
import { startServer, type RunningServer } from './helpers/server.js'

// `tollgate relay init` (offline, on the relay) and `tollgate pool create` (vendor, against the
// real server), with real files: the request holds no secret, the key and the pool file are 0600,
// and the pool file verifies against the server's JWKS and names the relay's key.
let server: RunningServer
let t: TestContext
let dir: string

type Obj = Record<string, unknown>

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const c = testContext({ env: { ...t.ctx.env } })
  try {
    const code = await run(args, c.ctx)
    return { code, out: c.stdout(), err: c.stderr() }
  } finally {
    c.cleanup()
  }
}

beforeAll(async () => {
  server = await startServer()
  t = testContext({ env: { TOLLGATE_URL: server.url, TOLLGATE_API_KEY: server.adminKey } })
  dir = mkdtempSync(join(tmpdir(), 'tollgate-pool-'))
})
afterAll(async () => {
  await server?.close()
  t?.cleanup()
  rmSync(dir, { recursive: true, force: true })
})

it('relay init writes a key once and a request; pool create signs a pool file for it', async () => {
  const data = join(dir, 'relay-data')
  const init = await cli([
    'relay',
    'init',
    '--data-dir',
    data,
    '--out',
    join(dir, 'req.json'),
    '--json',
  ])
  expect(init.code, init.err).toBe(0)
  const relay = JSON.parse(init.out) as { relayKid: string }
  expect(statSync(join(data, 'relay-key.json')).mode & 0o777).toBe(0o600)
  const req = readFileSync(join(dir, 'req.json'), 'utf8')
  expect(req).not.toMatch(/"d"/)
  // Again: same key, so a pool file already issued keeps working.
  const again = await cli([
    'relay',
    'init',
    '--data-dir',
    data,
    '--out',
    join(dir, 'req2.json'),
    '--json',
  ])
  expect((JSON.parse(again.out) as { relayKid: string }).relayKid).toBe(relay.relayKid)

  const plan = JSON.parse(
    (
      await cli([
        'plan',
        'create',
        '--name',
        'Floating',
        '--product',
        'app',
        '--tier',
        'team',
        '--duration-days',
        '365',
        '--floating-seats',
        '4',
        '--lease-ttl',
        '60',
        '--json',
      ])
    ).out,
  ) as Obj
  const customer = (await customerCreate({ name: 'Air Co' }, t.ctx)).data as { id: string }
  const issued = (await licenseIssue({ customer: customer.id, plan: plan.id as string }, t.ctx))
    .data as { license: { id: string } }
  const lic = issued.license.id
  const out = join(dir, 'pool.lic')
  const created = await cli([
    'pool',
    'create',
    '--license',
    lic,
    '--seats',
    '3',
    '--relay-request',
    join(dir, 'req.json'),
    '--days',
    '30',
    '--out',
    out,
    '--json',
  ])
  expect(created.code, created.err).toBe(0)
  expect(JSON.parse(created.out)).toMatchObject({
    seats: 3,
    floatingSeats: '3 of 4 in pools, 1 online',
  })
  expect(statSync(out).mode & 0o777).toBe(0o600)
  const jwks = (await (await fetch(`${server.url}/.well-known/jwks.json`)).json()) as Jwks
  expect(verifyPoolFile(readFileSync(out, 'utf8'), jwks)).toMatchObject({
    lid: lic,
    seats: 3,
    rk: { kid: relay.relayKid },
  })
  // The license has 1 floating seat left for pools.
  const over = await cli([
    'pool',
    'create',
    '--license',
    lic,
    '--seats',
    '2',
    '--relay-request',
    join(dir, 'req.json'),
    '--out',
    join(dir, 'pool2.lic'),
  ])
  expect(over.code).not.toBe(0)
  expect(over.err).toContain('POOL_SEATS_UNAVAILABLE')

  // `seat list` says where the seats are: staff see why online checkouts stop at 1.
  const pool = (JSON.parse(created.out) as { poolId: string }).poolId
  const listed = await cli(['seat', 'list', lic, '--json'])
  expect(listed.code, listed.err).toBe(0)
  expect(JSON.parse(listed.out)).toMatchObject({
    seats: { used: 0, seats: 4, pooled: 3, online: 1, limit: 1 },
    pools: [{ id: pool, seats: 3 }],
  })
  const table = await cli(['seat', 'list', lic])
  expect(table.out).toContain(`3 seats held by relay pools: ${pool} (3 on`)
})

it('refuses a file that is not a relay request before calling the server', async () => {
  writeFileSync(join(dir, 'bad.json'), '{"type":"something-else"}')
  const r = await cli([
    'pool',
    'create',
    '--license',
    'lic_x',
    '--seats',
    '1',
    '--relay-request',
    join(dir, 'bad.json'),
    '--out',
    join(dir, 'never.lic'),
  ])
  expect(r.code).toBe(2)
  expect(r.err).toMatch(/relay request/i)
})
