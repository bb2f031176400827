import { spawnSync } from 'node:child_process'
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { EnvSchema } from '../src/config/config.schema.js'

// What CI can test of the container and systemd recipes without a container engine: the
// entrypoint script (secrets from files, early refusals, exec) and that the Dockerfile, compose
// file and unit only set variables the server (or the entrypoint) actually reads.
const root = fileURLToPath(new URL('../../../', import.meta.url))
const entrypoint = join(root, 'packages/license-server/bin/entrypoint.sh')
const dir = mkdtempSync(join(tmpdir(), 'tollgate-entrypoint-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

// Stands in for the server: prints the environment and arguments it was exec'd with.
const fakeServer = join(dir, 'fake-server.js')
writeFileSync(
  fakeServer,
  'process.stdout.write(JSON.stringify({ env: process.env, argv: process.argv.slice(2), pid: process.pid }))',
)

function runEntrypoint(env: Record<string, string>, args: string[] = []) {
  const res = spawnSync('sh', [entrypoint, ...args], {
    env: { PATH: process.env.PATH ?? '', TOLLGATE_SERVER_BIN: fakeServer, ...env },
    encoding: 'utf8',
  })
  const out =
    res.status === 0 && res.stdout.startsWith('{')
      ? (JSON.parse(res.stdout) as { env: Record<string, string>; argv: string[] })
      : undefined
  return { code: res.status, stderr: res.stderr, stdout: res.stdout, out }
}

function secret(name: string, content: string): string {
  const path = join(dir, name)
  writeFileSync(path, content)
  chmodSync(path, 0o600)
  return path
}

describe('the image entrypoint', () => {
  it('reads MASTER_KEY and DATABASE_URL from *_FILE secrets, without the trailing newline', () => {
    const key = 'ab'.repeat(32)
    const { code, out } = runEntrypoint({
      MASTER_KEY_FILE: secret('mk', `${key}\n`),
      DATABASE_URL_FILE: secret('db', 'postgres://u:p@db:5432/t\n'),
      SIGNING_KEY_FILE: '/keys/signing.pem',
    })
    expect(code).toBe(0)
    expect(out?.env.MASTER_KEY).toBe(key)
    expect(out?.env.DATABASE_URL).toBe('postgres://u:p@db:5432/t')
    expect(out?.env.MASTER_KEY_FILE).toBeUndefined()
    // A variable that is itself a path is left alone.
    expect(out?.env.SIGNING_KEY_FILE).toBe('/keys/signing.pem')
  })

  it('refuses both VAR and VAR_FILE, an unreadable file, and Postgres without a master key', () => {
    const both = runEntrypoint({ MASTER_KEY: 'x', MASTER_KEY_FILE: secret('mk2', 'y') })
    expect(both.code).toBe(78)
    expect(both.stderr).toMatch(/both MASTER_KEY and MASTER_KEY_FILE/)
    const missing = runEntrypoint({ MASTER_KEY_FILE: join(dir, 'nope') })
    expect(missing.code).toBe(78)
    expect(missing.stderr).toMatch(/MASTER_KEY_FILE=.*nope is not readable/)
    const pg = runEntrypoint({ DATABASE_URL: 'postgres://u@db/t' })
    expect(pg.code).toBe(78)
    expect(pg.stderr).toMatch(/DATABASE_URL is set but MASTER_KEY is not/)
  })

  it('execs the server with flags passed through, or runs another command', () => {
    const flags = runEntrypoint({}, ['--max-old-space-size=256'])
    expect(flags.out?.argv).toEqual(['--max-old-space-size=256'])
    const other = runEntrypoint({}, ['echo', 'hello'])
    expect(other.stdout).toBe('hello\n')
  })
})

describe('container and systemd recipes', () => {
  const known = new Set(
    [
      ...Object.keys(EnvSchema.properties),
      // read by billing/fleet config readers, the entrypoint, or Node itself
      ...readFileSync(join(root, 'docs/server.md'), 'utf8').matchAll(/^\|\s*`([A-Z][A-Z0-9_]+)`/gm),
    ].map((v) => (typeof v === 'string' ? v : v[1]!)),
  )
  for (const extra of ['NODE_ENV', 'NODE_OPTIONS', 'TOLLGATE_SERVER_BIN']) known.add(extra)
  const isKnown = (name: string) => known.has(name) || known.has(name.replace(/_FILE$/, ''))

  it('the Dockerfile sets only variables the server reads, and runs the entrypoint', () => {
    const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8')
    const env = [...dockerfile.matchAll(/^\s*(?:ENV\s+)?([A-Z][A-Z0-9_]+)=\S+\s*\\?$/gm)].map(
      (m) => m[1]!,
    )
    expect(env).toEqual(expect.arrayContaining(['HOST', 'PORT', 'DATA_DIR']))
    expect(env.filter((v) => !isKnown(v))).toEqual([])
    expect(dockerfile).toMatch(/ENTRYPOINT \["\/app\/bin\/entrypoint\.sh"\]/)
    expect(dockerfile).toMatch(/deploy --prod --legacy \/app/)
  })

  it('compose wires the server to Postgres and Redis with a master key secret', () => {
    const compose = readFileSync(join(root, 'deploy/compose.yaml'), 'utf8')
    const service = /^ {2}tollgate:\n([\s\S]*?)(?=^ {2}\S)/m.exec(compose)?.[1] ?? ''
    const env = /^ {4}environment:\n((?: {6}.*\n)+)/m.exec(service)?.[1] ?? ''
    const vars = Object.fromEntries(
      [...env.matchAll(/^ {6}([A-Z0-9_]+): (.*)$/gm)].map((m) => [m[1]!, m[2]!]),
    )
    expect(Object.keys(vars).filter((v) => !isKnown(v))).toEqual([])
    expect(vars.DATABASE_URL).toMatch(/^postgres:\/\/\w+:\w+@postgres:5432\//)
    expect(vars.REDIS_URL).toBe('redis://redis:6379')
    expect(vars.MASTER_KEY_FILE).toBe('/run/secrets/master_key')
    expect(compose).toMatch(/^ {2}postgres:\n/m)
    expect(compose).toMatch(/^ {2}redis:\n/m)
  })

  it('the systemd unit sets only known variables and starts the entrypoint', () => {
    const unit = readFileSync(join(root, 'deploy/tollgate.service'), 'utf8')
    const vars = [...unit.matchAll(/^Environment=(.*)$/gm)].flatMap((m) =>
      m[1]!.split(/\s+/).map((kv) => kv.split('=')[0]!),
    )
    expect(vars.filter((v) => !isKnown(v))).toEqual([])
    expect(unit).toMatch(/^ExecStart=\/opt\/tollgate\/bin\/entrypoint\.sh$/m)
  })
})
