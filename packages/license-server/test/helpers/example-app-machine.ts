// The self-hosted example app (examples/self-hosted-app) as a real process standing for one
// customer machine: its own storage dir (so its own deployment id), its own process group.
import { spawn } from 'node:child_process'
import { Child, NODE_TS, ProcessError, ROOT, until } from '../../../../scripts/lib/processes.js'

/** What the example app's `GET /status` answers (JSON for a non-browser client). */
export interface MachineStatus {
  state: { code: string; reason: string; licenseId: string | null }
  deploymentId: string
  seats: { used: number; limit: number | null }
}

/** One running example app. */
export interface ExampleMachine {
  child: Child
  /** Where the app listens, e.g. `http://127.0.0.1:41234`. */
  url: string
  status(): Promise<MachineStatus>
  /** Polls `/status` until the license state is `code` (the app's own readiness, no sleeps). */
  waitForState(code: string, timeoutMs?: number): Promise<MachineStatus>
  /** SIGKILLs the whole process group (a machine that died) and waits for the exit. */
  kill(): Promise<void>
}

/**
 * Starts `examples/self-hosted-app/src/main.ts` detached (its own process group, so `kill()`
 * also takes tsx's esbuild service), on a port of its choosing, against `serverUrl`.
 *
 * @example
 * ```ts
 * const a = await startExampleMachine('machine A', { serverUrl, licenseFile, storageDir })
 * await a.waitForState('valid')
 * await a.kill()
 * ```
 */
export async function startExampleMachine(
  name: string,
  opts: { serverUrl: string; licenseFile: string; storageDir: string },
): Promise<ExampleMachine> {
  const [node, ...flags] = NODE_TS
  const proc = spawn(node!, [...flags, 'examples/self-hosted-app/src/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      TOLLGATE_URL: opts.serverUrl,
      TOLLGATE_LICENSE_FILE: opts.licenseFile,
      TOLLGATE_STORAGE_DIR: opts.storageDir,
      TOLLGATE_CHECK_INTERVAL_MS: '500',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  })
  const child = new Child(name, proc)
  const kill = async (): Promise<void> => {
    if (child.exitCode !== null || proc.pid === undefined) return
    try {
      process.kill(-proc.pid, 'SIGKILL')
    } catch {
      // the group is already gone
    }
    await child.exited
  }
  // A test runner that dies before afterAll must not leave the app behind.
  const onExit = (): void => void kill()
  process.once('exit', onExit)
  void child.exited.then(() => process.removeListener('exit', onExit))
  let url: string
  try {
    const line = await child.waitForLine(/example app listening on http:\/\/\S+/)
    url = /(http:\/\/\S+)/.exec(line)![1]!
  } catch (err) {
    await kill()
    throw err
  }
  const status = async (): Promise<MachineStatus> => {
    const res = await fetch(`${url}/status`, { headers: { accept: 'application/json' } })
    return (await res.json()) as MachineStatus
  }
  return {
    child,
    url,
    status,
    kill,
    waitForState: (code, timeoutMs = 180_000) =>
      until(
        `${name} in state ${code}`,
        async () => {
          if (child.exitCode !== null) {
            throw new ProcessError(`${name} exited (${child.exitCode}):\n${child.tail()}`)
          }
          const s = await status()
          return s.state.code === code ? s : undefined
        },
        timeoutMs,
        200,
      ),
  }
}
