import type { CliContext } from '../../context.js'
import { CliError } from '../../errors.js'
import { readConfig, writeConfig } from '../../lib/config.js'
import { defineCommand, type CommandResult, type GlobalOptions } from '../types.js'

/** Input of {@link profileUse}. */
export interface ProfileUseInput extends GlobalOptions {
  name: string
}

/**
 * Makes a saved profile the current one.
 *
 * @example
 * ```ts
 * await profileUse({ name: 'staging' }, ctx)
 * ```
 */
export async function profileUse(input: ProfileUseInput, ctx: CliContext): Promise<CommandResult> {
  const cfg = await readConfig(ctx.configPath)
  if (!(input.name in cfg.profiles)) {
    throw new CliError('USAGE', `No profile "${input.name}"`, {
      hint: `Create it with \`tollgate login --profile ${input.name} --url <server>\``,
    })
  }
  cfg.currentProfile = input.name
  await writeConfig(ctx.configPath, cfg)
  return {
    data: { currentProfile: input.name },
    blocks: [{ type: 'text', text: `Now using profile "${input.name}".` }],
  }
}

export const profileUseCommand = defineCommand<ProfileUseInput>({
  path: ['profile', 'use'],
  summary: 'Switch the current profile',
  args: ['<name>'],
  examples: ['tollgate profile use staging'],
  run: profileUse,
})
