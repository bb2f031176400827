import type { CliContext } from '../context.js'
import { CliError } from '../errors.js'
import type { GlobalOptions } from '../commands/types.js'
import { isConfigExposed, resolveConnection } from './config.js'
import { ApiClient } from './http.js'

/** Default request timeout, in ms. */
export const DEFAULT_TIMEOUT_MS = 15_000

/** The API client for the profile / flags / environment in effect. */
export async function apiClient(input: GlobalOptions, ctx: CliContext): Promise<ApiClient> {
  const conn = await resolveConnection({ profile: input.profile, url: input.url }, ctx)
  if (conn.urlSource === 'profile' && (await isConfigExposed(ctx.configPath))) {
    ctx.stderr.write(
      `Warning: ${ctx.configPath} holds API keys but others can read it; run chmod 600 ${ctx.configPath}\n`,
    )
  }
  return new ApiClient({
    baseUrl: conn.url,
    apiKey: conn.apiKey,
    timeoutMs: input.timeout ?? DEFAULT_TIMEOUT_MS,
    dispatcher: ctx.dispatcher,
  })
}

/**
 * Asks before a destructive action unless `--yes`. Without a terminal to ask on, refuses:
 * a script must say `--yes` explicitly rather than silently destroy things.
 */
export async function confirmOrAbort(
  input: { yes?: boolean },
  ctx: CliContext,
  question: string,
): Promise<void> {
  if (input.yes) return
  if (!ctx.isTTY.stdin) {
    throw new CliError('USAGE', `${question.replace(/\?$/, '')}: confirmation needed`, {
      hint: 'Pass --yes to confirm when not running in a terminal',
    })
  }
  if (!(await ctx.confirm(question))) throw new CliError('ABORTED', 'Aborted; nothing was changed')
}

/** `encodeURIComponent` for ids placed in a path. */
export const seg = (id: string): string => encodeURIComponent(id)
