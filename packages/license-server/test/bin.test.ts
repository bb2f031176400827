import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { RECOMMENDED_NODE_FLAGS } from '../src/system/node-flags.js'

const pkgDir = fileURLToPath(new URL('..', import.meta.url))
// The package's own `start` script, so the test runs exactly what `pnpm start` runs.
const startScript = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    scripts: { start: string }
  }
).scripts.start
const [startBin, ...startArgs] = startScript.split(' ')
const dataDir = mkdtempSync(join(tmpdir(), 'tollgate-bin-'))
// Node loads tsx in-process (`--import tsx`): no relaying parent, whose 30 ms wait for the
// server to acknowledge a signal ended in SIGKILL under load (exit 143 mid-shutdown). Each run
// still gets a process group, and every group
// still alive is killed after the file, pass or fail, so no server outlives the run.
const groups = new Set<number>()
function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal)
  } catch {
    // already gone
  }
}
afterAll(() => {
  for (const pid of groups) killGroup(pid, 'SIGKILL')
  rmSync(dataDir, { recursive: true, force: true })
})

interface Run {
  stdout: string
  stderr: string
  code: number | null
  port?: number
}

/**
 * Runs the `start` command (node with tsx on src/bin.ts, as `pnpm start` does) until it listens or exits;
 * `args` replaces the script's arguments.
 */
function start(
  env: Record<string, string>,
  opts: { stopWhenListening: boolean; args?: string[] },
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, opts.args ?? startArgs, {
      cwd: pkgDir,
      detached: true,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        PORT: '0',
        LOG_LEVEL: 'info',
        ...env,
      },
    })
    const pid = child.pid ?? 0
    groups.add(pid)
    const run: Run = { stdout: '', stderr: '', code: null }
    // A safety net far above a normal start (seconds), for a machine under heavy load.
    const timer = setTimeout(() => {
      killGroup(pid, 'SIGKILL')
      reject(new Error(`timed out:\n${run.stdout}\n${run.stderr}`))
    }, 240_000)
    const probe = async (port: number) => {
      try {
        const health = await fetch(`http://127.0.0.1:${port}/health`)
        run.stdout += `\nHEALTH ${health.status}\n`
      } finally {
        killGroup(pid, 'SIGTERM')
      }
    }
    child.stdout.on('data', (d: Buffer) => {
      run.stdout += d.toString()
      const m = /Server listening at http:\/\/127\.0\.0\.1:(\d+)/.exec(run.stdout)
      if (m && opts.stopWhenListening && run.port === undefined) {
        run.port = Number(m[1])
        void probe(run.port)
      }
    })
    child.stderr.on('data', (d: Buffer) => (run.stderr += d.toString()))
    child.on('exit', (code) => {
      clearTimeout(timer)
      groups.delete(pid)
      run.code = code
      resolve(run)
    })
  })
}

// Each test starts the server twice: minutes under load, not the default 30 s.
describe('the start command', { timeout: 600_000 }, () => {
  it('hands over the bootstrap admin key once, in a 0600 file (stdout is not a terminal)', async () => {
    const first = await start({ DATA_DIR: dataDir }, { stopWhenListening: true })
    expect(first.stdout).toMatch(/HEALTH 200/)
    // The start script passes the recommended V8 flags: no hint about them.
    expect(first.stdout).not.toMatch(/missingNodeFlags/)
    expect(first.stdout).toMatch(/generated a new master key/)
    // stdout is a pipe here, as under systemd or a container runtime: it ends up in logs, so
    // the key is not printed at all, only where to find it.
    expect(first.stdout).not.toMatch(/tg_admin_/)
    const file = join(dataDir, 'owner-key.txt')
    expect(first.stdout).toContain(file)
    expect(statSync(file).mode & 0o777).toBe(0o600)
    const keys = readFileSync(file, 'utf8').match(/tg_admin_[A-Za-z0-9]{40}/g) ?? []
    expect(keys).toHaveLength(1)
    // Not a terminal: JSON lines, and the ready line says where everything is.
    const ready = first.stdout.split('\n').find((l) => l.includes('license server ready'))
    expect(JSON.parse(ready ?? '{}')).toMatchObject({
      api: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/v1$/) as unknown,
      health: expect.stringMatching(/\/health$/) as unknown,
      metrics: expect.stringMatching(/\/metrics$/) as unknown,
    })
    // Asked for pretty logs (what a terminal gets): readable lines and the start-up screen.
    const second = await start(
      { DATA_DIR: dataDir, LOG_FORMAT: 'pretty' },
      { stopWhenListening: true },
    )
    expect(second.stdout).toMatch(/HEALTH 200/)
    expect(second.stdout).not.toMatch(/tg_admin_/)
    expect(second.stdout).not.toMatch(/^\{"level"/m)
    expect(second.stdout).toMatch(/^\d\d:\d\d:\d\d INFO {2}Server listening at/m)
    expect(second.stdout).toMatch(/^ {2}API {6}http:\/\/127\.0\.0\.1:\d+\/v1 /m)
    expect(second.stdout).toMatch(/^ {2}Metrics {2}http:\/\/127\.0\.0\.1:\d+\/metrics /m)
    expect(second.stdout).toMatch(/^ {2}Database PGlite in /m)
    expect(second.code, `${second.stdout}\n${second.stderr}`).toBe(0)
  })

  it('runs with the recommended V8 flags, and says so when started without them', async () => {
    // A start with them is the first test's (no hint there); this one starts without them.
    expect(startBin).toBe('node')
    for (const flag of RECOMMENDED_NODE_FLAGS) expect(startArgs).toContain(flag)
    const plain = await start(
      { DATA_DIR: dataDir },
      {
        stopWhenListening: true,
        args: ['--conditions=tollgate-source', '--import', 'tsx', 'src/bin.ts'],
      },
    )
    expect(plain.stdout).toMatch(/HEALTH 200/)
    expect(plain.stdout).toContain('NODE_OPTIONS=\\"--max-semi-space-size=64\\"')
  })

  it('stops on bad configuration with a message naming the variable', async () => {
    const bad = await start({ DATA_DIR: dataDir, PORT: 'eighty' }, { stopWhenListening: false })
    expect(bad.code).toBe(78)
    expect(bad.stderr).toMatch(/Invalid configuration: PORT/)
    const pg = await start(
      { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/x' },
      { stopWhenListening: false },
    )
    expect(pg.code).toBe(78)
    expect(pg.stderr).toMatch(/MASTER_KEY/)
  })
})
