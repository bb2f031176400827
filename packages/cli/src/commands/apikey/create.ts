import type { CliContext } from '../../context.js'
import { collect } from '../../lib/parsers.js'
import { apiClient } from '../../lib/session.js'
import { defineCommand, type CommandResult, type GlobalOptions } from '../types.js'

/** Input of {@link apikeyCreate}. */
export interface ApikeyCreateInput extends GlobalOptions {
  name: string
  scope: string[]
}

/**
 * Creates an admin API key. The secret is shown once, here; the server keeps only its hash.
 *
 * @example
 * ```ts
 * const { data } = await apikeyCreate({ name: 'ci', scope: ['licenses:read'] }, ctx)
 * ```
 */
export async function apikeyCreate(
  input: ApikeyCreateInput,
  ctx: CliContext,
): Promise<CommandResult> {
  const res = await (
    await apiClient(input, ctx)
  ).post<{ apiKey: Record<string, unknown>; secret: string }>('/v1/admin/api-keys', {
    name: input.name,
    scopes: input.scope,
  })
  return {
    data: res,
    blocks: [
      { type: 'record', record: res.apiKey },
      { type: 'text', text: `Secret (shown only once; store it now):\n${res.secret}` },
    ],
  }
}

export const apikeyCreateCommand = defineCommand<ApikeyCreateInput>({
  path: ['apikey', 'create'],
  summary: 'Create an admin API key (the secret is shown once)',
  options: (cmd) =>
    cmd
      .requiredOption('--name <name>', 'what the key is for')
      .requiredOption(
        '--scope <scopes>',
        'scopes, e.g. licenses:read (repeat or comma-separate; * for all)',
        collect,
      ),
  examples: [
    'tollgate apikey create --name ci --scope licenses:read,licenses:write',
    'tollgate apikey create --name billing-bot --scope billing:read --json | jq -r .secret',
  ],
  run: apikeyCreate,
})
