import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildBin } from '../scripts/build-bin.js'
import { testContext, type TestContext } from './helpers/context.js'
import { startServer, type RunningServer } from './helpers/server.js'

// The BUILT bin as a process (`node bin.js`), against the real server started here. The
// build output is only ever executed, never imported.
const pkgDir = resolve(import.meta.dirname, '..')
let outDir: string
let bin: string
let server: RunningServer
let t: TestContext
let env: Record<string, string>

// Every CLI run leads its own process group; a group still alive after the file (a run that
// hung past its test's timeout) is killed in afterAll, pass or fail.
const groups = new Set<number>()

interface Ran {
  code: number | null
  stdout: string
  stderr: string
}

function tollgate(
  args: string[],
  opts: { stdin?: string; env?: Record<string, string> } = {},
): Promise<Ran> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: t.dir,
      env: { ...env, ...opts.env },
      detached: true,
    })
    const pid = child.pid
    if (pid !== undefined) groups.add(pid)
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    child.on('error', fail)
    child.on('close', (code) => {
      if (pid !== undefined) groups.delete(pid)
      done({ code, stdout, stderr })
    })
    child.stdin.end(opts.stdin ?? '')
  })
}

/** The bin alone, into its own directory inside the package, never `dist/` (no race with a build). */
async function buildOwnBin(): Promise<string> {
  const cache = join(pkgDir, 'node_modules', '.cache')
  mkdirSync(cache, { recursive: true })
  outDir = mkdtempSync(join(cache, 'bin-test-'))
  return buildBin(outDir)
}

beforeAll(async () => {
  // esbuild bundles in its own process while this one loads the database: side by side.
  const [built, started] = await Promise.allSettled([buildOwnBin(), startServer()])
  // Keep whatever started, so afterAll closes it even when the other one failed.
  if (started.status === 'fulfilled') server = started.value
  if (built.status === 'rejected') throw built.reason
  if (started.status === 'rejected') throw started.reason
  bin = built.value
  t = testContext()
  // A clean environment: only what the CLI needs, so the developer's own config never leaks in.
  env = {
    PATH: process.env.PATH ?? '',
    HOME: t.dir,
    TOLLGATE_CONFIG: join(t.dir, 'cfg', 'config.json'),
  }
})
afterAll(async () => {
  for (const pid of groups) {
    try {
      process.kill(-pid, 'SIGKILL')
    } catch {
      // already gone
    }
  }
  await server?.close()
  t?.cleanup()
  if (outDir) rmSync(outDir, { recursive: true, force: true })
})

describe('the built tollgate bin', () => {
  it('starts with a shebang and prints its version', async () => {
    expect(readFileSync(bin, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true)
    const r = await tollgate(['--version'])
    expect(r).toMatchObject({ code: 0, stdout: '0.1.0\n' })
  })

  it('logs in (key on stdin) and writes the config with mode 0600', async () => {
    const r = await tollgate(['login', '--url', server.url, '--with-token'], {
      stdin: `${server.adminKey}\n`,
    })
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/Logged in to http:\/\/127\.0\.0\.1:\d+ as profile "default"/)
    expect(r.stdout).not.toContain(server.adminKey)
    expect(statSync(env.TOLLGATE_CONFIG!).mode & 0o777).toBe(0o600)
  })

  it('issue -> verify offline -> revoke -> export revocations -> verify exits 3 REVOKED', async () => {
    const customer = JSON.parse(
      (await tollgate(['customer', 'create', '--name', 'Proc Inc', '--json'])).stdout,
    ) as { id: string }
    const plan = JSON.parse(
      (
        await tollgate([
          'plan',
          'create',
          '--name',
          'Std',
          '--product',
          'app',
          '--tier',
          'std',
          '-e',
          'sso',
          '--duration-days',
          '365',
          '--json',
        ])
      ).stdout,
    ) as { id: string }
    const issued = await tollgate([
      'license',
      'issue',
      '--customer',
      customer.id,
      '--plan',
      plan.id,
      '--expires',
      '+30d',
      '--json',
    ])
    expect(issued.code).toBe(0)
    const { license, token } = JSON.parse(issued.stdout) as {
      license: { id: string }
      token: string
    }
    writeFileSync(join(t.dir, 'license.key'), `${token}\n`)
    writeFileSync(
      join(t.dir, 'jwks.json'),
      await (await fetch(`${server.url}/.well-known/jwks.json`)).text(),
    )

    const ok = await tollgate(['license', 'verify', 'license.key', '--jwks', 'jwks.json'])
    expect(ok.code).toBe(0)
    expect(ok.stdout).toMatch(/^VALID {2}The license is valid\n/)
    expect(ok.stdout).toContain(license.id)

    const revoke = await tollgate(['license', 'revoke', license.id, '--reason', 'refund', '--yes'])
    expect(revoke.code).toBe(0)
    const exported = await tollgate(['revocations', 'export', 'revocations.jws', '--json'])
    expect(exported.code).toBe(0)
    expect(JSON.parse(exported.stdout)).toMatchObject({ verified: true, revoked: 1 })

    // No server needed from here on: point the profile at nothing to prove it.
    const offline = { TOLLGATE_URL: 'http://127.0.0.1:9' }
    const verdict = await tollgate(
      [
        'license',
        'verify',
        'license.key',
        '--jwks',
        'jwks.json',
        '--revocations',
        'revocations.jws',
      ],
      { env: offline },
    )
    expect(verdict.code).toBe(3)
    expect(verdict.stdout).toMatch(new RegExp(`^REVOKED {2}License ${license.id} is revoked`))
    const json = await tollgate(
      [
        'license',
        'verify',
        '-',
        '--jwks',
        'jwks.json',
        '--revocations',
        'revocations.jws',
        '--json',
      ],
      {
        stdin: token,
        env: offline,
      },
    )
    expect(json.code).toBe(3)
    expect(JSON.parse(json.stdout)).toMatchObject({
      valid: false,
      code: 'REVOKED',
      licenseId: license.id,
    })
  })

  it('bulk-issues from a CSV with per-row results (no progress bar when not a terminal)', async () => {
    const customer = JSON.parse(
      (await tollgate(['customer', 'create', '--name', 'Bulk Ltd', '--json'])).stdout,
    ) as { id: string }
    const plan = JSON.parse(
      (
        await tollgate([
          'plan',
          'create',
          '--name',
          'B',
          '--product',
          'app',
          '--tier',
          'b',
          '--perpetual',
          '--json',
        ])
      ).stdout,
    ) as {
      id: string
    }
    writeFileSync(
      join(t.dir, 'bulk.csv'),
      `customerId,planId\n${customer.id},\n${customer.id},pln_nope0000000000000\n,\n`,
    )
    const r = await tollgate(['license', 'issue', '--from', 'bulk.csv', '--plan', plan.id])
    expect(r.code).toBe(1)
    const lines = r.stdout.split('\n')
    expect(lines[0]).toMatch(/^LINE\s+CUSTOMER\s+PLAN\s+RESULT\s+LICENSE\s+ERROR$/)
    expect(lines[1]).toMatch(/^2\s+cus_\w+\s+pln_\w+\s+ok\s+lic_\w+\s+-$/)
    expect(lines[2]).toMatch(/^3\s+cus_\w+\s+pln_nope0+\s+error\s+-\s+.+\(NOT_FOUND\)$/)
    expect(lines[3]).toMatch(
      /^4\s+-\s+pln_\w+\s+error\s+-\s+the row has neither customerId nor email \(INVALID_ROW\)$/,
    )
    expect(r.stdout).toContain('Issued 1 of 3 licenses; 2 failed.')
    expect(r.stderr).not.toContain('[#')
    expect(r.stderr).toMatch(/license keys are not shown/)
  })

  it('--json output parses and matches the table', async () => {
    const json = await tollgate(['customer', 'list', '--json'])
    const table = await tollgate(['customer', 'list'])
    expect([json.code, table.code]).toEqual([0, 0])
    const { items } = JSON.parse(json.stdout) as {
      items: { id: string; name: string; email: string | null }[]
    }
    const rows = table.stdout
      .trimEnd()
      .split('\n')
      .slice(1)
      .map((l) => l.split(/ {2,}/))
    expect(rows.map((r) => [r[0], r[1], r[2]])).toEqual(
      items.map((c) => [c.id, c.name, c.email ?? '-']),
    )
    expect(table.stdout).not.toContain('\u001b[') // not a TTY: no colour
  })

  it('bad flags exit 2 with a helpful message', async () => {
    const r = await tollgate([
      'license',
      'issue',
      '--customer',
      'cus_1',
      '--plan',
      'pln_1',
      '--expire',
      '+30d',
    ])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/unknown option '--expire'\n\(Did you mean --expires\?\)/)
    const s = await tollgate(['license', 'renew', 'lic_1', '--expires', 'next week'])
    expect(s.code).toBe(2)
    expect(s.stderr).toMatch(/Expected an ISO date/)
    const h = await tollgate(['license', 'verify', '--help'])
    expect(h.code).toBe(0)
    expect(h.stdout).toMatch(/Examples:\n {2}\$ tollgate license verify/)
  })

  it('server down: a clear error and exit 1', async () => {
    const probe = createServer()
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r))
    const { port } = probe.address() as { port: number }
    await new Promise<void>((r) => probe.close(() => r()))
    const r = await tollgate(['license', 'list'], {
      env: { TOLLGATE_URL: `http://127.0.0.1:${port}` },
    })
    expect(r.code).toBe(1)
    expect(r.stdout).toBe('')
    expect(r.stderr).toBe(
      `Error: Cannot reach the server at http://127.0.0.1:${port} (ECONNREFUSED)\nHint: Is the server running and the URL right? Check --url, TOLLGATE_URL or \`tollgate login\`\n`,
    )
  })
})
