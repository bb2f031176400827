// Child processes for the demo and the end-to-end test: spawn, watch output, wait, stop.
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url))

/** `node` running TypeScript sources of the workspace (tsx, the `tollgate-source` condition). */
export const NODE_TS = [process.execPath, '--conditions=tollgate-source', '--import', 'tsx']

/** A process that was not ready, or exited, when it should not have; `code` is stable. */
export class ProcessError extends Error {
  readonly code = 'PROCESS_FAILED'
  constructor(message: string) {
    super(message)
    this.name = 'ProcessError'
  }
}

/** A running child with its output kept line by line. */
export class Child {
  readonly name: string
  readonly proc: ChildProcess
  readonly lines: string[] = []
  readonly #waiters = new Set<() => void>()
  exitCode: number | null = null
  readonly exited: Promise<void>
  /** Whether the child leads its own process group (signals then reach its whole tree). */
  readonly ownGroup: boolean

  constructor(name: string, proc: ChildProcess, echo?: (line: string) => void, ownGroup = false) {
    this.name = name
    this.proc = proc
    this.ownGroup = ownGroup
    for (const stream of [proc.stdout, proc.stderr]) {
      let partial = ''
      stream?.setEncoding('utf8')
      stream?.on('data', (chunk: string) => {
        partial += chunk
        const parts = partial.split('\n')
        partial = parts.pop() ?? ''
        for (const line of parts) {
          this.lines.push(line)
          echo?.(line)
        }
        for (const wake of this.#waiters) wake()
      })
    }
    this.exited = once(proc, 'exit').then(([code]) => {
      this.exitCode = typeof code === 'number' ? code : -1
      for (const wake of this.#waiters) wake()
    })
  }

  /** The first output line matching `pattern` (already printed or coming), else throws. */
  async waitForLine(pattern: RegExp, timeoutMs = 240_000): Promise<string> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const hit = this.lines.find((l) => pattern.test(l))
      if (hit !== undefined) return hit
      if (this.exitCode !== null) {
        throw new ProcessError(
          `${this.name} exited (${this.exitCode}) before printing ${pattern}:\n${this.tail()}`,
        )
      }
      const left = deadline - Date.now()
      if (left <= 0)
        throw new ProcessError(
          `${this.name} did not print ${pattern} in ${timeoutMs} ms:\n${this.tail()}`,
        )
      await new Promise<void>((resolve) => {
        const wake = (): void => {
          clearTimeout(timer)
          this.#waiters.delete(wake)
          resolve()
        }
        const timer = setTimeout(wake, left)
        this.#waiters.add(wake)
      })
    }
  }

  /** The last lines of output, for error messages. */
  tail(n = 30): string {
    return this.lines.slice(-n).join('\n')
  }

  /** Sends `signal` to the child, or to its whole process group when it leads one. */
  signal(signal: NodeJS.Signals): void {
    const pid = this.proc.pid
    if (pid === undefined) return
    try {
      if (this.ownGroup) process.kill(-pid, signal)
      else if (this.exitCode === null) this.proc.kill(signal)
    } catch {
      // already gone
    }
  }

  /**
   * SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. A child in its
   * own group takes its group along: whatever it started and left behind is killed too.
   */
  async stop(graceMs = 5_000): Promise<void> {
    if (this.proc.pid === undefined) return
    if (this.exitCode === null) {
      this.signal('SIGTERM')
      const timer = setTimeout(() => this.signal('SIGKILL'), graceMs)
      await this.exited
      clearTimeout(timer)
    }
    if (this.ownGroup) this.signal('SIGKILL')
  }
}

/** Options of {@link start}. */
export interface StartOptions {
  cwd?: string
  echo?: (line: string) => void
  /**
   * Its own process group (tests): `stop()` then signals the whole tree, so nothing it started
   * outlives it. Off for the demo, whose children stay in the demo's group: a terminal's Ctrl-C
   * and a group kill of the demo reach them.
   */
  ownGroup?: boolean
}

/**
 * Spawns `argv` with `env` added to the current environment, output captured (and echoed
 * through `echo` when given).
 *
 * @example
 * ```ts
 * const server = start('server', [...NODE_TS, 'packages/license-server/src/bin.ts'], { PORT: '3000' })
 * await server.waitForLine(/ready/)
 * ```
 */
export function start(
  name: string,
  argv: readonly string[],
  env: Record<string, string | undefined>,
  opts: StartOptions = {},
): Child {
  const [cmd, ...args] = argv
  const ownGroup = opts.ownGroup ?? false
  const proc = spawn(cmd!, args, {
    cwd: opts.cwd ?? ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: ownGroup,
  })
  const child = new Child(name, proc, opts.echo, ownGroup)
  if (ownGroup) {
    // A detached group outlives its parent: take it along if this process exits first.
    const kill = (): void => child.signal('SIGKILL')
    process.once('exit', kill)
    void child.exited.then(() => process.removeListener('exit', kill))
  }
  return child
}

/** Runs a command to completion; resolves with its exit code and output. */
export async function run(
  argv: readonly string[],
  env: Record<string, string | undefined>,
  opts: { cwd?: string; timeoutMs?: number } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const [cmd, ...args] = argv
  // Its own process group: on a timeout the whole tree goes (the demo's server and app too),
  // so a stuck run never leaves an orphaned server listening.
  const proc = spawn(cmd!, args, {
    cwd: opts.cwd ?? ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  })
  const killGroup = (): void => {
    try {
      if (proc.pid !== undefined) process.kill(-proc.pid, 'SIGKILL')
    } catch {
      // already gone
    }
  }
  process.once('exit', killGroup)
  let stdout = ''
  let stderr = ''
  proc.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c))
  proc.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c))
  const timer = setTimeout(killGroup, opts.timeoutMs ?? 600_000)
  const [code] = (await once(proc, 'exit')) as [number | null]
  clearTimeout(timer)
  process.removeListener('exit', killGroup)
  return { code: code ?? -1, stdout, stderr }
}

/** A TCP port that was free a moment ago (bind-and-release; good enough on a dev box or CI). */
export async function freePort(): Promise<number> {
  const server = createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as { port: number }
  server.close()
  await once(server, 'close')
  return port
}

/** Polls `probe` until it returns a value other than undefined, or throws after `timeoutMs`. */
export async function until<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 240_000,
  everyMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let last: string | undefined
  for (;;) {
    try {
      const value = await probe()
      if (value !== undefined) return value
    } catch (err) {
      last = err instanceof Error ? err.message : JSON.stringify(err)
    }
    if (Date.now() > deadline) {
      throw new ProcessError(
        `Timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${last})` : ''}`,
      )
    }
    await new Promise((r) => setTimeout(r, everyMs))
  }
}
