import { Command, Option } from 'commander'
import type { CliContext } from './context.js'
import { COMMANDS, GROUPS } from './commands/index.js'
import type { CommandResult, CommandSpec } from './commands/types.js'
import { positiveInt, urlArg } from './lib/parsers.js'
import { DEFAULT_TIMEOUT_MS } from './lib/session.js'
import { VERSION } from './version.js'

/** Where the action handler leaves the result for `run` to render. */
export interface Outcome {
  result?: CommandResult
  json: boolean
  color: boolean
}

const camel = (s: string): string => s.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())

/**
 * Builds the commander program from the command table. Parsing, validation and help are all
 * commander's; each action only gathers the parsed values and calls the command function.
 *
 * @example
 * ```ts
 * const outcome: Outcome = { json: false, color: false }
 * await buildProgram(ctx, outcome).parseAsync(['license', 'list'], { from: 'user' })
 * ```
 */
export function buildProgram(
  ctx: CliContext,
  outcome: Outcome,
  commands: readonly CommandSpec[] = COMMANDS,
): Command {
  const program = new Command('tollgate')
    .description('Issue, revoke, inspect and export Tollgate licenses from the terminal.')
    .version(VERSION, '-v, --version')
    .option('--json', 'print JSON (for scripts) instead of tables')
    .option('-p, --profile <name>', 'config profile to use (env TOLLGATE_PROFILE)')
    .addOption(new Option('--url <url>', 'license server URL (env TOLLGATE_URL)').argParser(urlArg))
    .addOption(
      new Option('--timeout <ms>', 'request timeout in milliseconds')
        .argParser(positiveInt)
        .default(DEFAULT_TIMEOUT_MS),
    )
    .option('--no-color', 'never colour the output (also NO_COLOR)')
    // Settings below are inherited by every subcommand created after them.
    .exitOverride()
    .configureOutput({
      writeOut: (s) => ctx.stdout.write(s),
      writeErr: (s) => ctx.stderr.write(s),
    })
    // Subcommand help lists the global flags too (--json, --url, --profile…), as gh does.
    .configureHelp({ showGlobalOptions: true })
    .showHelpAfterError('(run the command with --help for usage and examples)')
    .showSuggestionAfterError(true)
    .helpCommand(true)
  program.addHelpText(
    'after',
    `
Examples:
  $ tollgate login --url https://licenses.example.com
  $ tollgate license issue --customer cus_123 --plan pln_pro --expires +365d
  $ tollgate license list --status active --json | jq '.items[].id'
  $ tollgate license verify ./license.key --jwks ./jwks.json --revocations ./revocations.jws

Environment:
  TOLLGATE_URL, TOLLGATE_API_KEY, TOLLGATE_PROFILE, TOLLGATE_CONFIG (default ~/.config/tollgate/config.json)

Exit codes:
  0 ok, 1 request failed, 2 usage error, 3 license not valid (license verify)`,
  )

  for (const spec of commands) attach(program, spec, ctx, outcome)
  return program
}

function groupOf(program: Command, path: readonly string[]): Command {
  let parent = program
  for (const name of path) {
    const existing = parent.commands.find((c) => c.name() === name)
    if (existing) {
      parent = existing
      continue
    }
    const group = parent.command(name).description(GROUPS[name] ?? `${name} commands`)
    group.addHelpText('after', () => groupExamples(group))
    parent = group
  }
  return parent
}

// A group's help lists one example per subcommand, so `tollgate license --help` teaches too.
function groupExamples(group: Command): string {
  const lines = group.commands
    .map((c) => (c as Command & { tollgateExample?: string }).tollgateExample)
    .filter((e): e is string => e !== undefined)
  return lines.length ? `\nExamples:\n${lines.map((e) => `  $ ${e}`).join('\n')}` : ''
}

function attach(program: Command, spec: CommandSpec, ctx: CliContext, outcome: Outcome): void {
  const parent = groupOf(program, spec.path.slice(0, -1))
  const cmd = parent.command(spec.path.at(-1)!).description(spec.summary)
  for (const arg of spec.args ?? []) cmd.argument(arg)
  spec.options?.(cmd)
  // Every command takes --yes, so scripts can pass it uniformly; only destructive ones ask.
  cmd.option(
    '-y, --yes',
    spec.destructive ? 'do not ask for confirmation' : 'accepted for scripts (never asks)',
  )
  ;(cmd as Command & { tollgateExample?: string }).tollgateExample = spec.examples[0]
  cmd.addHelpText('after', `\nExamples:\n${spec.examples.map((e) => `  $ ${e}`).join('\n')}`)
  cmd.action(async (...actionArgs: unknown[]) => {
    const self = actionArgs.at(-1) as Command
    const input: Record<string, unknown> = { ...self.optsWithGlobals() }
    self.registeredArguments.forEach((a, i) => {
      if (self.processedArgs[i] !== undefined) input[camel(a.name())] = self.processedArgs[i]
    })
    outcome.json = input.json === true
    outcome.color = input.color !== false && ctx.isTTY.stdout && !ctx.env.NO_COLOR
    outcome.result = await spec.run(input, ctx)
  })
}
