import type { CliContext } from '../../context.js'
import { STAFF_COLUMNS } from '../../lib/columns.js'
import { fetchList } from '../../lib/list.js'
import { apiClient } from '../../lib/session.js'
import { pageResult } from '../../lib/views.js'
import { defineCommand, type CommandResult, type GlobalOptions } from '../types.js'

/**
 * Lists the members of the staff console: email, name, role, and whether they are disabled.
 *
 * @example
 * ```ts
 * const { data } = await staffList({}, ctx)
 * ```
 */
export async function staffList(input: GlobalOptions, ctx: CliContext): Promise<CommandResult> {
  return pageResult(
    await fetchList(await apiClient(input, ctx), '/v1/admin/staff', {}, { all: true }),
    STAFF_COLUMNS,
  )
}

export const staffListCommand = defineCommand<GlobalOptions>({
  path: ['staff', 'list'],
  summary: 'List the members of the staff console',
  examples: ['tollgate staff list', 'tollgate staff list --json'],
  run: staffList,
})
