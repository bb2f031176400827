import type { Command } from 'commander'
import type { CliContext } from '../context.js'
import type { ExitCode } from '../errors.js'
import type { Block } from '../lib/output.js'

/** Options every command accepts (defined once on the program). */
export interface GlobalOptions {
  json?: boolean
  profile?: string
  url?: string
  /** Request timeout in ms. */
  timeout?: number
  color?: boolean
}

/** What a command function answers: the data (printed by `--json`) and how humans see it. */
export interface CommandResult {
  data: unknown
  blocks: Block[]
  /** Extra lines for stderr (pagination hints, warnings), never mixed into stdout. */
  notes?: string[]
  /** Exit code when the command "worked" but the answer is negative (verify: 3). */
  exitCode?: ExitCode
}

/**
 * One entry of the command table: where it sits (`['license', 'issue']`), its commander
 * arguments and options, help examples, and the plain function that does the work.
 */
export interface CommandSpec<I = Record<string, unknown>> {
  path: readonly string[]
  summary: string
  /** Commander argument syntax, e.g. `'<id>'`; values reach `run` by camelCased name. */
  args?: readonly string[]
  /** Adds the command's options (parsing and validation are commander's). */
  options?: (cmd: Command) => void
  /** Shown under "Examples:" in --help; every command has at least one. */
  examples: readonly string[]
  /** Adds `-y, --yes` and means: ask before doing it. */
  destructive?: boolean
  run(input: I, ctx: CliContext): Promise<CommandResult>
}

/**
 * Declares a command with its own input type; the table stores them type-erased.
 *
 * @example
 * ```ts
 * export const licenseShowCommand = defineCommand<{ id: string }>({ path: ['license', 'show'], ... })
 * ```
 */
export function defineCommand<I>(spec: CommandSpec<I>): CommandSpec {
  return spec as unknown as CommandSpec
}
