import type { CliContext } from '../../context.js'
import { SIGNING_KEY_COLUMNS } from '../../lib/columns.js'
import { fetchList } from '../../lib/list.js'
import { apiClient } from '../../lib/session.js'
import { pageResult } from '../../lib/views.js'
import { defineCommand, type CommandResult, type GlobalOptions } from '../types.js'

/**
 * Lists the server's signing keys (active, retired) by kid.
 *
 * @example
 * ```ts
 * const { data } = await keysList({}, ctx)
 * ```
 */
export async function keysList(input: GlobalOptions, ctx: CliContext): Promise<CommandResult> {
  return pageResult(
    await fetchList(await apiClient(input, ctx), '/v1/admin/signing-keys', {}, { all: true }),
    SIGNING_KEY_COLUMNS,
  )
}

export const keysListCommand = defineCommand<GlobalOptions>({
  path: ['keys', 'list'],
  summary: "List the server's signing keys",
  examples: ['tollgate keys list', 'tollgate keys list --json'],
  run: keysList,
})
