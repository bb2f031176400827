import { spawn } from 'node:child_process'
import type { ChildProcessWithoutNullStreams } from 'node:child_process'
import { join } from 'node:path'
import { EnclaveError } from '../errors.js'
import { detectBwrap, systemBinds } from './bwrap.js'

/** Resource limits of one worker run. */
export interface WorkerLimits {
  /** Resident memory cap for the whole worker process tree, MiB (V8 heap gets half). */
  readonly memoryMb: number
  /** Wall-clock limit; the worker is SIGKILLed when it passes. */
  readonly timeoutMs: number
  /** Cap on bytes the worker may write to stdout + stderr. */
  readonly maxOutputBytes: number
}

export const DEFAULT_LIMITS: WorkerLimits = {
  memoryMb: 256,
  timeoutMs: 15_000,
  maxOutputBytes: 1 << 20,
}

/** `auto` uses bwrap when it works; `bwrap` requires it; `none` is the permission model only. */
export type SandboxMode = 'auto' | 'bwrap' | 'none'

/** The bundle directory inside the bwrap sandbox. */
const INSIDE = '/enclave'

/**
 * Node flags of the worker, with `<bundle>` standing for its bundle directory. They are part
 * of the runtime measurement (PCR1), so a weaker sandbox is a different measurement.
 */
export function nodeFlags(limits: WorkerLimits): string[] {
  return [
    '--experimental-permission',
    '--allow-fs-read=<bundle>/',
    `--max-old-space-size=${Math.max(16, Math.floor(limits.memoryMb / 2))}`,
    '--disallow-code-generation-from-strings',
    '--no-addons',
    '--no-warnings',
  ]
}

/** Resolve the sandbox mode to what will actually run, or throw SANDBOX_UNAVAILABLE. */
export function resolveSandbox(mode: SandboxMode): 'bwrap' | 'none' {
  if (mode === 'none') return 'none'
  const status = detectBwrap()
  if (status.available) return 'bwrap'
  if (mode === 'bwrap')
    throw new EnclaveError('SANDBOX_UNAVAILABLE', status.reason ?? 'bwrap unavailable')
  return 'none'
}

/**
 * Start the worker `entry` (a file inside `bundleDir`) as a child process: Node's permission
 * model with read access to `bundleDir` only (no child processes, no worker threads, no
 * addons), inside bubblewrap with every namespace unshared (so no network) when `sandbox` is
 * 'bwrap'. Its own process group, so a kill reaches everything it started.
 */
export function spawnWorker(
  bundleDir: string,
  entry: string,
  limits: WorkerLimits,
  sandbox: 'bwrap' | 'none',
): ChildProcessWithoutNullStreams {
  const dir = sandbox === 'bwrap' ? INSIDE : bundleDir
  const args = [...nodeFlags(limits).map((f) => f.replace('<bundle>', dir)), join(dir, entry)]
  if (sandbox === 'none') {
    return spawn(process.execPath, args, { cwd: bundleDir, env: {}, detached: true, stdio: 'pipe' })
  }
  const bwrap = detectBwrap().path ?? 'bwrap'
  // prettier-ignore
  const wrap = [
    '--unshare-all',
    '--die-with-parent',
    '--new-session',
    '--clearenv',
    ...systemBinds(),
    '--ro-bind', bundleDir, INSIDE,
    '--proc', '/proc',
    '--dev', '/dev',
    '--tmpfs', '/tmp',
    '--chdir', INSIDE,
    '--',
    process.execPath,
    ...args,
  ]
  return spawn(bwrap, wrap, { cwd: bundleDir, env: {}, detached: true, stdio: 'pipe' })
}
