import { readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  apikeyCreate,
  apikeyList,
  apikeyRevoke,
  audit,
  customerCreate,
  customerList,
  keysList,
  keysRemove,
  keysRetire,
  keysRotate,
  licenseIssue,
  licenseList,
  licenseReinstate,
  licenseReissue,
  licenseRenew,
  licenseRevoke,
  licenseShow,
  licenseSuspend,
  licenseVerify,
  login,
  planCreate,
  run,
} from '@tollgate/cli'
import { tableCells } from '../src/lib/output.js'
import { LICENSE_COLUMNS } from '../src/lib/columns.js'
import { testContext, type TestContext } from './helpers/context.js'
import { startServer, type RunningServer } from './helpers/server.js'

// Commands called as functions against the real license server (Fastify on a random port,
// in-memory PGlite), logged in through a profile in a temp config file.
let server: RunningServer
let t: TestContext
let customerId: string
let planId: string

type Obj = Record<string, unknown>
const data = <T = Obj>(r: { data: unknown }): T => r.data as T

beforeAll(async () => {
  server = await startServer()
  t = testContext({ stdin: `${server.adminKey}\n` })
  await login({ url: server.url, withToken: true }, t.ctx)
  customerId = data<{ id: string }>(
    await customerCreate({ name: 'Acme Corp', email: 'it@acme.test' }, t.ctx),
  ).id
  planId = data<{ id: string }>(
    await planCreate(
      {
        name: 'Pro',
        product: 'acme-app',
        tier: 'pro',
        entitlement: ['sso', 'audit'],
        limit: { users: 25 },
        durationDays: 365,
      },
      t.ctx,
    ),
  ).id
})
afterAll(async () => {
  await server?.close()
  t?.cleanup()
})

describe('against a real server', () => {
  it('logged in: the profile is in a 0600 config file', () => {
    expect(statSync(t.ctx.configPath).mode & 0o777).toBe(0o600)
    expect(JSON.parse(readFileSync(t.ctx.configPath, 'utf8'))).toMatchObject({
      currentProfile: 'default',
      profiles: { default: { url: server.url, apiKey: server.adminKey } },
    })
  })

  it('rejects a wrong key at login and shows the server error as it is', async () => {
    const bad = testContext({ stdin: 'tg_admin_wrongwrongwrongwrong' })
    expect(await run(['login', '--url', server.url, '--with-token'], bad.ctx)).toBe(1)
    expect(bad.stderr()).toMatch(
      /^Error: .+ \(INVALID_API_KEY, HTTP 401\)\nHint: Check the API key/,
    )
    bad.cleanup()
  })

  it('issue -> verify offline -> revoke -> export revocations -> verify says REVOKED', async () => {
    const issued = data<{ license: { id: string; status: string }; token: string }>(
      await licenseIssue({ customer: customerId, plan: planId, limit: { users: 50 } }, t.ctx),
    )
    expect(issued.license.status).toBe('active')
    const jwks = await (await fetch(`${server.url}/.well-known/jwks.json`)).text()
    writeFileSync(join(t.dir, 'jwks.json'), jwks)
    writeFileSync(join(t.dir, 'license.key'), issued.token)

    const ok = await licenseVerify({ license: 'license.key', jwks: 'jwks.json' }, t.ctx)
    expect(ok).toMatchObject({
      exitCode: 0,
      data: { valid: true, code: 'VALID', licenseId: issued.license.id, limits: { users: 50 } },
    })

    await licenseRevoke({ id: issued.license.id, reason: 'chargeback', yes: true }, t.ctx)
    expect(await run(['revocations', 'export', 'revocations.jws'], t.ctx)).toBe(0)
    expect(t.stdout()).toMatch(/Wrote the revocation list/)

    // Offline from here: the file JWKS and the exported list only.
    const revoked = await licenseVerify(
      { license: 'license.key', jwks: 'jwks.json', revocations: 'revocations.jws' },
      t.ctx,
    )
    expect(revoked).toMatchObject({
      exitCode: 3,
      data: { valid: false, code: 'REVOKED', licenseId: issued.license.id },
    })
  })

  it('suspends, reinstates, renews, reissues and shows a license', async () => {
    const { license } = data<{ license: { id: string } }>(
      await licenseIssue({ customer: customerId, plan: planId }, t.ctx),
    )
    expect(
      data(await licenseSuspend({ id: license.id, reason: 'overdue', yes: true }, t.ctx)),
    ).toMatchObject({ status: 'suspended', statusReason: 'overdue' })
    expect(data(await licenseReinstate({ id: license.id }, t.ctx))).toMatchObject({
      status: 'active',
    })
    const renewed = data<{ license: Obj; token: string }>(
      await licenseRenew({ id: license.id, expires: '2031-01-01T00:00:00.000Z' }, t.ctx),
    )
    expect(renewed.license.expiresAt).toBe('2031-01-01T00:00:00.000Z')
    const verdict = await licenseVerify({ license: renewed.token }, t.ctx) // JWKS from the profile's server
    expect(verdict.data).toMatchObject({ code: 'VALID', expiresAt: '2031-01-01T00:00:00.000Z' })
    const reissued = data<{ token: string }>(
      await licenseReissue({ id: license.id, yes: true }, t.ctx),
    )
    expect(reissued.token).toMatch(/^TG1-/)
    expect(data(await licenseShow({ id: license.id }, t.ctx))).toMatchObject({
      id: license.id,
      status: 'active',
    })
  })

  it('answers the server code for an impossible transition, with a hint', async () => {
    const { license } = data<{ license: { id: string } }>(
      await licenseIssue({ customer: customerId, plan: planId }, t.ctx),
    )
    const e = testContext({ env: { TOLLGATE_CONFIG: t.ctx.configPath } })
    const ctx = { ...e.ctx, configPath: t.ctx.configPath }
    expect(await run(['license', 'reinstate', license.id], ctx)).toBe(1)
    expect(e.stderr()).toMatch(
      /\(INVALID_STATE_TRANSITION, HTTP 409\)\nHint: Check the current status/,
    )
    expect(await run(['license', 'show', 'lic_doesnotexist000000'], ctx)).toBe(1)
    expect(e.stderr()).toMatch(/\(NOT_FOUND, HTTP 404\)/)
    e.cleanup()
  })

  it('--json output parses and matches the table', async () => {
    const json = testContext()
    const table = testContext()
    for (const c of [json, table]) Object.assign(c.ctx, { configPath: t.ctx.configPath })
    expect(await run(['license', 'list', '--customer', customerId, '--json'], json.ctx)).toBe(0)
    expect(await run(['license', 'list', '--customer', customerId], table.ctx)).toBe(0)
    const page = JSON.parse(json.stdout()) as { items: Obj[]; nextCursor: string | null }
    expect(page.items.length).toBeGreaterThanOrEqual(3)
    const lines = table.stdout().trimEnd().split('\n')
    // The table names the customer; the JSON keeps the server's objects (ids only).
    expect(page.items[0]).not.toHaveProperty('customerName')
    const expected = tableCells(
      LICENSE_COLUMNS,
      page.items.map((i) => ({ ...i, customerName: 'Acme Corp' })),
    )
    expect(expected[1]?.[1]).toBe('Acme Corp')
    expect(expected[1]?.at(-1)).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/)
    expect(lines).toHaveLength(expected.length)
    lines.forEach((line, i) => expect(line.split(/ {2,}/)).toEqual(expected[i]))
    expect(
      data<{ items: unknown[] }>(
        await licenseList({ customer: customerId, limit: 1, all: true }, t.ctx),
      ).items,
    ).toHaveLength(page.items.length)
    json.cleanup()
    table.cleanup()
  })

  it('bulk-issues from a CSV with per-row results', async () => {
    writeFileSync(
      join(t.dir, 'customers.csv'),
      [
        'customerId,email,name,planId,expiresAt',
        `${customerId},,,,2030-06-30`,
        ',new@beta.test,Beta Ltd,,',
        `${customerId},,,pln_doesnotexist000000,`,
        `${customerId},,,,not-a-date`,
        '',
      ].join('\n'),
    )
    // stderr is a terminal here: the progress bar is drawn there, in place.
    const term = testContext()
    Object.assign(term.ctx, {
      configPath: t.ctx.configPath,
      cwd: t.dir,
      isTTY: { stdin: false, stdout: false, stderr: true },
    })
    const res = await licenseIssue(
      { from: 'customers.csv', plan: planId, out: 'issued.csv', concurrency: 2 },
      term.ctx,
    )
    expect(term.stderr()).toMatch(/^\rIssuing \[-{30}\] 0\/4/)
    expect(term.stderr()).toMatch(/\rIssuing \[#{30}\] 4\/4 {2}2 failed\n$/)
    term.cleanup()
    const d = data<{ issued: number; failed: number; results: Obj[] }>(res)
    expect(res.exitCode).toBe(1)
    expect(d).toMatchObject({ issued: 2, failed: 2 })
    expect(d.results.map((r) => [r.line, r.status, r.code])).toEqual([
      [2, 'ok', null],
      [3, 'ok', null],
      [4, 'error', 'NOT_FOUND'],
      [5, 'error', 'INVALID_ROW'],
    ])
    expect(d.results[1]!.customerId).toMatch(/^cus_/) // created from email + name
    expect(statSync(join(t.dir, 'issued.csv')).mode & 0o777).toBe(0o600)
    const out = readFileSync(join(t.dir, 'issued.csv'), 'utf8').trim().split('\n')
    expect(out).toHaveLength(5)
    expect(out[1]).toMatch(/^2,ok,cus_\w+,pln_\w+,lic_\w+,TG1-/)
    const customers = data<{ items: Obj[] }>(await customerList({ email: 'new@beta.test' }, t.ctx))
    expect(customers.items.map((c) => c.name)).toEqual(['Beta Ltd'])
  })

  it('creates, lists and revokes API keys; rotates and retires signing keys; reads the audit log', async () => {
    const created = data<{ apiKey: { id: string }; secret: string }>(
      await apikeyCreate({ name: 'ci', scope: ['licenses:read'] }, t.ctx),
    )
    expect(created.secret).toMatch(/^tg_admin_/)
    const keys = data<{ items: Obj[] }>(await apikeyList({}, t.ctx)).items
    expect(
      keys.some((k) => k.id === created.apiKey.id && !JSON.stringify(k).includes(created.secret)),
    ).toBe(true)
    // The scoped key can read licenses but not write them.
    const ci = testContext({ env: { TOLLGATE_URL: server.url, TOLLGATE_API_KEY: created.secret } })
    expect(await run(['license', 'list'], ci.ctx)).toBe(0)
    expect(await run(['customer', 'create', '--name', 'x'], ci.ctx)).toBe(1)
    expect(ci.stderr()).toMatch(/INSUFFICIENT_SCOPE, HTTP 403/)
    await apikeyRevoke({ id: created.apiKey.id, yes: true }, t.ctx)
    expect(await run(['license', 'list'], ci.ctx)).toBe(1)
    expect(ci.stderr()).toMatch(/API_KEY_REVOKED, HTTP 401/)
    ci.cleanup()

    const before = data<{ items: { kid: string }[] }>(await keysList({}, t.ctx)).items
    const rotated = data<{ kid: string; signing: boolean }>(await keysRotate({}, t.ctx))
    expect(rotated.signing).toBe(true)
    const old = before[0]!.kid
    expect(data(await keysRetire({ kid: old, yes: true }, t.ctx))).toMatchObject({
      kid: old,
      state: 'retired',
    })
    const after = data<{ items: { kid: string; state: string }[] }>(await keysList({}, t.ctx)).items
    expect(after.map((k) => k.kid).sort()).toEqual([old, rotated.kid].sort())
    // A retired key still verifies; once removed, the licenses it signed fail with UNKNOWN_KEY.
    expect(data(await licenseVerify({ license: 'license.key' }, t.ctx))).toMatchObject({
      valid: true,
    })
    await keysRemove({ kid: old, yes: true }, t.ctx)
    expect(await licenseVerify({ license: 'license.key' }, t.ctx)).toMatchObject({
      exitCode: 3,
      data: { valid: false, code: 'UNKNOWN_KEY' },
    })

    const entries = data<{ items: Obj[] }>(await audit({ action: 'license.revoke' }, t.ctx)).items
    expect(entries.length).toBeGreaterThanOrEqual(1)
    expect(entries[0]).toMatchObject({ action: 'license.revoke', targetType: 'license' })
  })
})
