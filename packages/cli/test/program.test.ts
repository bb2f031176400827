import type { Command } from 'commander'
import { describe, expect, it } from 'vitest'
import { buildProgram, COMMANDS, run, type Outcome } from '@tollgate/cli'
import { testContext } from './helpers/context.js'

function leafPaths(): string[][] {
  const program = buildProgram(testContext().ctx, { json: false, color: false } satisfies Outcome)
  const out: string[][] = []
  const walk = (cmd: Command, path: string[]): void => {
    for (const sub of cmd.commands) {
      if (sub.name() === 'help') continue
      const p = [...path, sub.name()]
      if (sub.commands.length) walk(sub, p)
      out.push(p)
    }
  }
  walk(program, [])
  return out
}

describe('the command table', () => {
  it('has the commands the issue asks for', () => {
    const names = COMMANDS.map((c) => c.path.join(' '))
    for (const required of [
      'login',
      'license issue',
      'license list',
      'license show',
      'license suspend',
      'license reinstate',
      'license renew',
      'license revoke',
      'license reissue',
      'license verify',
      'customer create',
      'plan create',
      'deployment list',
      'deployment deactivate',
      'usage show',
      'violation list',
      'apikey create',
      'apikey list',
      'apikey revoke',
      'keys list',
      'keys rotate',
      'keys retire',
      'keys generate',
      'revocations export',
      'audit',
    ]) {
      expect(names).toContain(required)
    }
  })

  it('gives every command and group --help with examples, exit 0', async () => {
    const paths = leafPaths()
    expect(paths.length).toBeGreaterThan(40)
    for (const path of paths) {
      const t = testContext()
      expect(await run([...path, '--help'], t.ctx), path.join(' ')).toBe(0)
      expect(t.stdout(), path.join(' ')).toMatch(/Examples:\n {2}\$ tollgate /)
      t.cleanup()
    }
  })

  it('asks before every destructive command (it has --yes)', () => {
    for (const spec of COMMANDS.filter((c) =>
      /revoke|delete|deactivate|retire|remove|suspend/.test(c.path.join(' ')),
    )) {
      expect(spec.destructive, spec.path.join(' ')).toBe(true)
    }
  })
})

describe('usage errors exit 2 with a helpful message', () => {
  const cases: [string[], RegExp][] = [
    [['license', 'issue', '--bogus'], /unknown option '--bogus'/],
    [['license', 'lst'], /Did you mean list\?/],
    [['lisence'], /Did you mean license\?/],
    [['license', 'show'], /missing required argument 'id'/],
    [['license', 'renew', 'lic_1'], /required option '--expires <date>' not specified/],
    [['license', 'renew', 'lic_1', '--expires', 'soon'], /Expected an ISO date/],
    [
      ['license', 'list', '--status', 'gone'],
      /Allowed choices are active, suspended, revoked, expired/,
    ],
    [['license', 'list', '--limit', '0'], /Expected a positive integer/],
    [
      ['license', 'issue', '--customer', 'c', '--from', 'x.csv'],
      /cannot be used with option '--from/,
    ],
    [['license', 'issue', '--customer', 'c'], /needs --customer <id> and --plan <id>/],
    [['license', 'issue', '--limit', 'users'], /Expected name=<integer>/],
    [['--url', 'ftp://x', 'license', 'list'], /Expected an http\(s\) URL/],
    [['license'], /Usage: tollgate license/],
    [['license', 'list'], /No server configured/],
  ]
  it.each(cases)('%j', async (argv, message) => {
    const t = testContext()
    expect(await run(argv, t.ctx)).toBe(2)
    expect(t.stderr()).toMatch(message)
    expect(t.stdout()).toBe('')
    t.cleanup()
  })

  it('prints --version and exits 0', async () => {
    const t = testContext()
    expect(await run(['--version'], t.ctx)).toBe(0)
    expect(t.stdout()).toMatch(/^\d+\.\d+\.\d+\n$/)
  })

  it('reports usage errors as JSON on stderr under --json', async () => {
    const t = testContext()
    expect(await run(['license', 'list', '--json'], t.ctx)).toBe(2)
    expect(JSON.parse(t.stderr()) as unknown).toMatchObject({
      code: 'NOT_LOGGED_IN',
      hint: expect.stringMatching(/login/) as unknown,
    })
  })
})
