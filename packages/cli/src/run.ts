import { CommanderError } from 'commander'
import type { CliContext } from './context.js'
import { CliError, EXIT, type ExitCode } from './errors.js'
import type { CommandSpec } from './commands/types.js'
import { COMMANDS } from './commands/index.js'
import { paint, renderBlocks } from './lib/output.js'
import { buildProgram, type Outcome } from './program.js'

/**
 * Runs the CLI on `argv` (without `node` and the script) and answers the exit code. Never exits
 * the process and never throws: `bin.ts` is the only place that calls `process.exit`.
 *
 * @example
 * ```ts
 * const code = await run(['license', 'list', '--json'], createContext())
 * ```
 */
export async function run(
  argv: readonly string[],
  ctx: CliContext,
  commands: readonly CommandSpec[] = COMMANDS,
): Promise<ExitCode> {
  const outcome: Outcome = { json: argv.includes('--json'), color: false }
  const errColor = ctx.isTTY.stderr && !ctx.env.NO_COLOR && !argv.includes('--no-color')
  try {
    await buildProgram(ctx, outcome, commands).parseAsync([...argv], { from: 'user' })
  } catch (err) {
    return report(err, ctx, outcome.json, errColor)
  }
  const result = outcome.result
  if (result === undefined) return EXIT.OK
  if (outcome.json) ctx.stdout.write(`${JSON.stringify(result.data, null, 2)}\n`)
  else ctx.stdout.write(renderBlocks(result.blocks, { color: outcome.color }))
  for (const note of result.notes ?? []) ctx.stderr.write(`${note}\n`)
  return result.exitCode ?? EXIT.OK
}

function report(err: unknown, ctx: CliContext, json: boolean, color: boolean): ExitCode {
  if (err instanceof CommanderError) {
    // Help and --version are successes; every other commander error is a usage error, and
    // commander has already printed its message (with a suggestion) to stderr.
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return EXIT.OK
    if (err.code === 'commander.help' && err.exitCode === 0) return EXIT.OK
    return EXIT.USAGE
  }
  const cli =
    err instanceof CliError
      ? err
      : new CliError('UNEXPECTED', `Unexpected error: ${(err as Error)?.message ?? String(err)}`)
  if (json) {
    ctx.stderr.write(`${JSON.stringify(cli.toJSON())}\n`)
  } else {
    const codes = [cli.serverCode, cli.status === undefined ? undefined : `HTTP ${cli.status}`]
      .filter(Boolean)
      .join(', ')
    ctx.stderr.write(
      `${paint({ color }, 'red', 'Error:')} ${cli.message}${codes ? ` (${codes})` : ''}\n`,
    )
    if (cli.hint) ctx.stderr.write(`Hint: ${cli.hint}\n`)
  }
  return cli.exitCode
}
