import type { CliContext } from '../../context.js'
import { maskKey, profileName, readConfig } from '../../lib/config.js'
import { defineCommand, type CommandResult, type GlobalOptions } from '../types.js'

/**
 * Lists the profiles in the config file; API keys are masked.
 *
 * @example
 * ```ts
 * const { data } = await profileList({}, ctx)
 * ```
 */
export async function profileList(input: GlobalOptions, ctx: CliContext): Promise<CommandResult> {
  const cfg = await readConfig(ctx.configPath)
  const current = profileName(input.profile, ctx, cfg)
  const rows = Object.entries(cfg.profiles).map(([name, p]) => ({
    name,
    url: p.url,
    apiKey: maskKey(p.apiKey),
    current: name === current,
  }))
  return {
    data: rows,
    blocks: [
      {
        type: 'table',
        columns: [
          { key: 'current', header: ' ', get: (r) => (r.current ? '*' : ' ') },
          { key: 'name', header: 'NAME' },
          { key: 'url', header: 'URL' },
          { key: 'apiKey', header: 'API KEY' },
        ],
        rows,
      },
    ],
  }
}

export const profileListCommand = defineCommand<GlobalOptions>({
  path: ['profile', 'list'],
  summary: 'List saved profiles (* marks the one in use)',
  examples: ['tollgate profile list', 'tollgate profile list --json'],
  run: profileList,
})
