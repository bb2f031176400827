import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Command } from 'commander'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildProgram, run, type Outcome } from '@tollgate/cli'
import { DEPLOYMENT_COLUMNS } from '../src/lib/columns.js'
import { schemaErrorSentence } from '../src/lib/schema-errors.js'
import { testContext } from './helpers/context.js'
import { startServer, type RunningServer } from './helpers/server.js'

// The edges a new member of staff hits in the first hour with the CLI (issue 15).

function leaves(): Command[] {
  const program = buildProgram(testContext().ctx, { json: false, color: false } satisfies Outcome)
  const out: Command[] = []
  const walk = (cmd: Command): void => {
    for (const sub of cmd.commands) {
      if (sub.name() === 'help') continue
      if (sub.commands.length) walk(sub)
      else out.push(sub)
    }
  }
  walk(program)
  return out
}

describe('conventions every command shares', () => {
  it('every command accepts -y/--yes', () => {
    const missing = leaves()
      .filter((c) => !c.options.some((o) => o.long === '--yes' && o.short === '-y'))
      .map((c) => c.name())
    expect(missing).toEqual([])
  })

  it('subcommand help lists the inherited global flags', async () => {
    const t = testContext()
    expect(await run(['license', 'list', '--help'], t.ctx)).toBe(0)
    expect(t.stdout()).toMatch(/Global Options:/)
    for (const flag of ['--json', '--url <url>', '--profile <name>', '--timeout <ms>']) {
      expect(t.stdout()).toContain(flag)
    }
    t.cleanup()
  })

  it('deployment list shows one id column', () => {
    const headers = DEPLOYMENT_COLUMNS.map((c) => c.header)
    expect(headers.filter((h) => /ID|DEPLOYMENT/.test(h))).toEqual(['ID'])
  })
})

describe('refusals before anything is sent', () => {
  it('plan create without a lifetime asks for --duration-days or --perpetual', async () => {
    const t = testContext({ env: { TOLLGATE_URL: 'http://127.0.0.1:9', TOLLGATE_API_KEY: 'k' } })
    const code = await run(
      ['plan', 'create', '--name', 'Pro', '--product', 'app', '--tier', 'pro'],
      t.ctx,
    )
    expect(code).toBe(2)
    expect(t.stderr()).toMatch(/--duration-days <n> or --perpetual/)
    t.cleanup()
  })

  it('license issue --expires in the past is refused unless --allow-past', async () => {
    const args = [
      'license',
      'issue',
      '--customer',
      'cus_1',
      '--plan',
      'pln_1',
      '--expires',
      '2020-01-01',
    ]
    const t = testContext({ now: new Date('2026-12-01T00:00:00Z') })
    expect(await run(args, t.ctx)).toBe(2)
    expect(t.stderr()).toMatch(/--expires 2020-01-01T00:00:00.000Z is in the past/)
    expect(t.stderr()).toMatch(/--allow-past/)
    // With --allow-past the check passes; here it then stops at the missing login instead.
    const u = testContext({ now: new Date('2026-12-01T00:00:00Z') })
    expect(await run([...args, '--allow-past'], u.ctx)).toBe(2)
    expect(u.stderr()).not.toMatch(/in the past/)
    t.cleanup()
    u.cleanup()
  })
})

describe('bulk issue: past expiry dates', () => {
  const env = { TOLLGATE_URL: 'http://127.0.0.1:9', TOLLGATE_API_KEY: 'k' }
  const now = new Date('2026-12-01T00:00:00Z')
  const rows = (dir: string): void =>
    writeFileSync(join(dir, 'rows.csv'), 'customerId,planId,expiresAt\ncus_1,pln_1,2020-01-01\n')

  it('a row expiring in the past is refused unless --allow-past; so is a past --expires', async () => {
    const t = testContext({ env, now })
    rows(t.dir)
    expect(await run(['license', 'issue', '--from', 'rows.csv', '--json'], t.ctx)).toBe(1)
    const refused = JSON.parse(t.stdout()) as { results: { code: string; error: string }[] }
    expect(refused.results[0]).toMatchObject({ code: 'INVALID_ROW' })
    expect(refused.results[0]!.error).toMatch(/in the past \(pass --allow-past/)
    // Allowed, the row goes to the server (none listens here: a network error, not a refusal).
    const u = testContext({ env, now })
    rows(u.dir)
    expect(
      await run(['license', 'issue', '--from', 'rows.csv', '--allow-past', '--json'], u.ctx),
    ).toBe(1)
    const sent = JSON.parse(u.stdout()) as { results: { code: string }[] }
    expect(sent.results[0]!.code).not.toBe('INVALID_ROW')
    const v = testContext({ env, now })
    rows(v.dir)
    expect(
      await run(['license', 'issue', '--from', 'rows.csv', '--expires', '2020-01-01'], v.ctx),
    ).toBe(2)
    expect(v.stderr()).toMatch(/is in the past/)
    for (const c of [t, u, v]) c.cleanup()
  })
})

describe('schema errors from the server, as one sentence', () => {
  it('rewrites the validator output in terms of flags', () => {
    expect(
      schemaErrorSentence(
        'body /expiresAt must match format "date-time", body/expiresAt must be null, body/expiresAt must match a schema in anyOf',
      ),
    ).toBe('--expires must be a date and time (ISO 8601, e.g. 2027-01-31T00:00:00Z).')
    expect(
      schemaErrorSentence(
        'body /email must match format "email", body/email must be null, body/email must match a schema in anyOf',
      ),
    ).toBe('--email must be a valid e-mail address.')
    expect(schemaErrorSentence('body /limits/users must be >= 0')).toBe(
      '--limit users=… must be at least 0.',
    )
    expect(schemaErrorSentence('querystring /limit must be >= 1')).toBe(
      '--limit must be at least 1.',
    )
    expect(schemaErrorSentence('body must have required properties name')).toBe(
      '--name is required.',
    )
    expect(
      schemaErrorSentence('body /extra schema is false, body must not have additional properties'),
    ).toBe('The server does not know "extra" (is the server older than this CLI?).')
    expect(schemaErrorSentence('No license lic_1')).toBeUndefined()
  })
})

describe('against a real server', () => {
  let server: RunningServer
  beforeAll(async () => {
    server = await startServer()
  })
  afterAll(() => server?.close())
  const env = () => ({ TOLLGATE_URL: server.url, TOLLGATE_API_KEY: server.adminKey })

  it('a schema error reads as one sentence naming the flag', async () => {
    const t = testContext({ env: env() })
    const code = await run(['customer', 'create', '--name', 'X', '--email', 'not-an-email'], t.ctx)
    expect(code).toBe(1)
    const first = t.stderr().split('\n')[0]
    expect(first).toBe(
      'Error: --email must be a valid e-mail address. (VALIDATION_FAILED, HTTP 400)',
    )
    t.cleanup()
  })

  it('license verify without --jwks says it goes online; offline it names --jwks', async () => {
    const t = testContext({ env: env() })
    expect(
      await run(
        ['customer', 'create', '--name', 'Acme Corp', '--email', 'a@acme.test', '--json'],
        t.ctx,
      ),
    ).toBe(0)
    const customer = JSON.parse(t.stdout()) as { id: string }
    const p = testContext({ env: env() })
    expect(
      await run(
        [
          'plan',
          'create',
          '--name',
          'P',
          '--product',
          'app',
          '--tier',
          'pro',
          '--duration-days',
          '30',
          '--json',
        ],
        p.ctx,
      ),
    ).toBe(0)
    const plan = JSON.parse(p.stdout()) as { id: string }
    const i = testContext({ env: env() })
    expect(
      await run(
        ['license', 'issue', '--customer', customer.id, '--plan', plan.id, '--json', '--yes'],
        i.ctx,
      ),
    ).toBe(0)
    const { token } = JSON.parse(i.stdout()) as { token: string }

    const online = testContext({ env: env() })
    expect(await run(['license', 'verify', token], online.ctx)).toBe(0)
    expect(online.stderr()).toContain(
      `Fetching the verification keys online from ${server.url}/.well-known/jwks.json`,
    )
    expect(online.stderr()).toContain('pass --jwks <file>')

    const offline = testContext({
      env: { TOLLGATE_URL: 'http://127.0.0.1:9', TOLLGATE_API_KEY: 'k' },
    })
    expect(await run(['license', 'verify', token], offline.ctx)).toBe(1)
    expect(offline.stderr()).toMatch(
      /Could not fetch the verification keys from http:\/\/127\.0\.0\.1:9/,
    )
    expect(offline.stderr()).toMatch(/Hint: To verify offline, pass --jwks <file>/)

    // Tables: the customer's name, dates to the second, limits and policy in words.
    const list = testContext({ env: env() })
    expect(await run(['license', 'list'], list.ctx)).toBe(0)
    const row = list.stdout().split('\n')[1] ?? ''
    expect(row).toContain('Acme Corp')
    expect(row).toMatch(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/)
    expect(list.stdout()).not.toMatch(/\.\d{3}Z/)
    const issued = (JSON.parse(i.stdout()) as { license: { id: string } }).license.id
    const one = testContext({ env: env() })
    expect(await run(['license', 'show', issued], one.ctx)).toBe(0)
    expect(one.stdout()).toMatch(
      new RegExp(`customerId\\s+${customer.id}\\ncustomerName\\s+Acme Corp\\n`),
    )
    const oneJson = testContext({ env: env() })
    expect(await run(['license', 'show', issued, '--json'], oneJson.ctx)).toBe(0)
    expect(JSON.parse(oneJson.stdout())).not.toHaveProperty('customerName')
    const show = testContext({ env: env() })
    expect(await run(['plan', 'show', plan.id], show.ctx)).toBe(0)
    expect(show.stdout()).toMatch(
      /policy\s+expiry grace 14d, offline grace 30d, heartbeat 1h, max 1 deployment/,
    )
    // Upgrade without Stripe: the same license id on another plan, with a new key.
    const pro = testContext({ env: env() })
    expect(
      await run(
        [
          'plan',
          'create',
          '--name',
          'Pro',
          '--product',
          'app',
          '--tier',
          'gold',
          '--perpetual',
          '--json',
        ],
        pro.ctx,
      ),
    ).toBe(0)
    const proPlan = JSON.parse(pro.stdout()) as { id: string }
    const issuedId = issued
    const moved = testContext({ env: env() })
    expect(
      await run(['license', 'change-plan', issuedId, '--plan', proPlan.id, '--json'], moved.ctx),
    ).toBe(0)
    const after = JSON.parse(moved.stdout()) as {
      license: { id: string; tier: string }
      token: string
    }
    expect(after.license).toMatchObject({ id: issuedId, tier: 'gold' })
    expect(after.token).not.toBe(token)
    for (const c of [t, p, i, online, offline, list, one, oneJson, show, pro, moved]) c.cleanup()
  })
})
