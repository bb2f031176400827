import type { CliContext } from '../context.js'
import { CliError } from '../errors.js'
import { maskKey, profileName, readConfig, writeConfig } from '../lib/config.js'
import { ApiClient } from '../lib/http.js'
import { DEFAULT_TIMEOUT_MS } from '../lib/session.js'
import { defineCommand, type CommandResult, type GlobalOptions } from './types.js'

/** Input of {@link login}. */
export interface LoginInput extends GlobalOptions {
  /** Read the API key from stdin (never pass secrets as flags: they land in shell history). */
  withToken?: boolean
  /** `--no-verify` sets false: save without checking the key against the server. */
  verify?: boolean
}

/**
 * Saves a server URL and admin API key as a profile (config file mode 0600) and makes it current.
 *
 * @example
 * ```ts
 * await login({ url: 'http://localhost:3000', withToken: true }, ctx) // key read from stdin
 * ```
 */
export async function login(input: LoginInput, ctx: CliContext): Promise<CommandResult> {
  const cfg = await readConfig(ctx.configPath)
  const name = profileName(input.profile, ctx, cfg)
  const url = (input.url ?? ctx.env.TOLLGATE_URL ?? cfg.profiles[name]?.url)?.replace(/\/+$/, '')
  if (!url) {
    throw new CliError('USAGE', 'Which server? Pass --url <server>', {
      hint: 'e.g. tollgate login --url https://licenses.example.com',
    })
  }
  let apiKey: string
  if (input.withToken) apiKey = (await ctx.readStdin()).trim()
  else if (ctx.env.TOLLGATE_API_KEY) apiKey = ctx.env.TOLLGATE_API_KEY
  else if (ctx.isTTY.stdin) apiKey = await ctx.promptSecret('Admin API key (tg_admin_…): ')
  else {
    throw new CliError('USAGE', 'No API key given', {
      hint: 'Pipe it in: echo "$KEY" | tollgate login --url <server> --with-token',
    })
  }
  if (!apiKey) throw new CliError('USAGE', 'The API key is empty')

  if (input.verify !== false) {
    const client = new ApiClient({
      baseUrl: url,
      apiKey,
      timeoutMs: input.timeout ?? DEFAULT_TIMEOUT_MS,
      dispatcher: ctx.dispatcher,
    })
    try {
      await client.get('/v1/admin/api-keys', { limit: 1 })
    } catch (err) {
      // 403 means the key authenticated but may not list keys: still a valid login.
      if (!(err instanceof CliError && err.status === 403)) throw err
    }
  }

  cfg.profiles[name] = { url, apiKey }
  cfg.currentProfile = name
  await writeConfig(ctx.configPath, cfg)
  const data = { profile: name, url, apiKey: maskKey(apiKey), configPath: ctx.configPath }
  return {
    data,
    blocks: [
      { type: 'text', text: `Logged in to ${url} as profile "${name}" (key ${data.apiKey}).` },
    ],
  }
}

export const loginCommand = defineCommand<LoginInput>({
  path: ['login'],
  summary: 'Save a server URL and admin API key as a profile',
  options: (cmd) =>
    cmd
      .option('--with-token', 'read the API key from stdin')
      .option('--no-verify', 'save without checking the key against the server'),
  examples: [
    'tollgate login --url https://licenses.example.com',
    'echo "$TG_KEY" | tollgate login --url http://localhost:3000 --profile staging --with-token',
  ],
  run: login,
})
