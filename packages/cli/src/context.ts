import { homedir } from 'node:os'
import { join } from 'node:path'
import type { Dispatcher } from 'undici'
import { askConfirm, askSecret, readAll } from './lib/terminal.js'

/** Something text can be written to (process.stdout, or a buffer in tests). */
export interface Writer {
  write(chunk: string): unknown
}

/**
 * Everything a command touches outside its arguments. Commands get it injected, so tests call
 * them as plain functions with captured output, a temp config file and a real server URL.
 *
 * @example
 * ```ts
 * const ctx = createContext({ env: { TOLLGATE_URL: url, TOLLGATE_API_KEY: key } })
 * await licenseList({}, ctx)
 * ```
 */
export interface CliContext {
  stdout: Writer
  stderr: Writer
  env: Readonly<Record<string, string | undefined>>
  /** Path of the config file (profiles). */
  configPath: string
  /** Working directory relative paths are resolved against. */
  cwd: string
  /** Whether each stream is a terminal: colour, progress bars and prompts depend on it. */
  isTTY: { stdin: boolean; stdout: boolean; stderr: boolean }
  /** undici dispatcher for every request (default: undici's global one). */
  dispatcher?: Dispatcher
  /** Asks a yes/no question; only called when stdin is a TTY. */
  confirm(question: string): Promise<boolean>
  /** Asks for a secret without echoing it; only called when stdin is a TTY. */
  promptSecret(question: string): Promise<string>
  /** Reads all of stdin (for `--with-token` and `-` arguments). */
  readStdin(): Promise<string>
  /** The clock (tests pin it). */
  now(): Date
}

/**
 * The default config path: `$TOLLGATE_CONFIG`, else `$XDG_CONFIG_HOME/tollgate/config.json`,
 * else `~/.config/tollgate/config.json`.
 *
 * @example
 * ```ts
 * defaultConfigPath(process.env) // '/home/me/.config/tollgate/config.json'
 * ```
 */
export function defaultConfigPath(env: Readonly<Record<string, string | undefined>>): string {
  if (env.TOLLGATE_CONFIG) return env.TOLLGATE_CONFIG
  const base = env.XDG_CONFIG_HOME || join(homedir(), '.config')
  return join(base, 'tollgate', 'config.json')
}

/**
 * Builds a context on the real process streams, with any member overridden.
 *
 * @example
 * ```ts
 * const ctx = createContext({ stdout: buffer, isTTY: { stdin: false, stdout: false, stderr: false } })
 * ```
 */
export function createContext(overrides: Partial<CliContext> = {}): CliContext {
  const env = overrides.env ?? process.env
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env,
    configPath: defaultConfigPath(env),
    cwd: process.cwd(),
    isTTY: {
      stdin: process.stdin.isTTY === true,
      stdout: process.stdout.isTTY === true,
      stderr: process.stderr.isTTY === true,
    },
    confirm: (question) => askConfirm(question, process.stdin, process.stderr),
    promptSecret: (question) => askSecret(question, process.stdin, process.stderr),
    readStdin: () => readAll(process.stdin),
    now: () => new Date(),
    ...overrides,
  }
}
