import type { CliContext } from '../../context.js'
import { API_KEY_COLUMNS } from '../../lib/columns.js'
import { fetchList, type ListOptions } from '../../lib/list.js'
import { listFlags } from '../../lib/parsers.js'
import { apiClient } from '../../lib/session.js'
import { pageResult } from '../../lib/views.js'
import { defineCommand, type CommandResult, type GlobalOptions } from '../types.js'

/** Input of {@link apikeyList}. */
export interface ApikeyListInput extends GlobalOptions, ListOptions {}

/**
 * Lists admin API keys (display prefixes only; secrets are never shown again).
 *
 * @example
 * ```ts
 * const { data } = await apikeyList({}, ctx)
 * ```
 */
export async function apikeyList(input: ApikeyListInput, ctx: CliContext): Promise<CommandResult> {
  return pageResult(
    await fetchList(await apiClient(input, ctx), '/v1/admin/api-keys', {}, input),
    API_KEY_COLUMNS,
  )
}

export const apikeyListCommand = defineCommand<ApikeyListInput>({
  path: ['apikey', 'list'],
  summary: 'List admin API keys',
  options: listFlags,
  examples: ['tollgate apikey list', 'tollgate apikey list --json'],
  run: apikeyList,
})
