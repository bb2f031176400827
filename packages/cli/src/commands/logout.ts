import type { CliContext } from '../context.js'
import { CliError } from '../errors.js'
import { profileName, readConfig, writeConfig } from '../lib/config.js'
import { defineCommand, type CommandResult, type GlobalOptions } from './types.js'

/**
 * Removes a profile (and its API key) from the config file.
 *
 * @example
 * ```ts
 * await logout({ profile: 'staging' }, ctx)
 * ```
 */
export async function logout(input: GlobalOptions, ctx: CliContext): Promise<CommandResult> {
  const cfg = await readConfig(ctx.configPath)
  const name = profileName(input.profile, ctx, cfg)
  if (!(name in cfg.profiles)) {
    throw new CliError('USAGE', `No profile "${name}"`, {
      hint: 'List profiles with `tollgate profile list`',
    })
  }
  delete cfg.profiles[name]
  if (cfg.currentProfile === name) delete cfg.currentProfile
  await writeConfig(ctx.configPath, cfg)
  return {
    data: { profile: name, removed: true },
    blocks: [{ type: 'text', text: `Removed profile "${name}".` }],
  }
}

export const logoutCommand = defineCommand<GlobalOptions>({
  path: ['logout'],
  summary: 'Forget a profile and its API key',
  examples: ['tollgate logout', 'tollgate logout --profile staging'],
  run: logout,
})
