import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createContext, type CliContext } from '@tollgate/cli'

export interface TestContext {
  ctx: CliContext
  dir: string
  stdout: () => string
  stderr: () => string
  /** Questions the confirm prompt was asked. */
  asked: string[]
  cleanup: () => void
}

/** A context with captured output, a temp dir as cwd and config home, and no real terminal. */
export function testContext(
  opts: {
    env?: Record<string, string | undefined>
    stdin?: string
    tty?: boolean
    answer?: boolean
    now?: Date
  } = {},
): TestContext {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-cli-'))
  let out = ''
  let err = ''
  const asked: string[] = []
  const tty = opts.tty ?? false
  const ctx = createContext({
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    env: { ...opts.env },
    configPath: join(dir, 'config', 'tollgate', 'config.json'),
    cwd: dir,
    isTTY: { stdin: tty, stdout: tty, stderr: tty },
    confirm: async (q) => {
      asked.push(q)
      return opts.answer ?? false
    },
    promptSecret: async () => '',
    readStdin: async () => opts.stdin ?? '',
    now: () => opts.now ?? new Date(),
  })
  return {
    ctx,
    dir,
    stdout: () => out,
    stderr: () => err,
    asked,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  }
}
