import type { CliContext } from '../../context.js'
import { PLAN_COLUMNS } from '../../lib/columns.js'
import { fetchList, type ListOptions } from '../../lib/list.js'
import { listFlags } from '../../lib/parsers.js'
import { apiClient } from '../../lib/session.js'
import { pageResult } from '../../lib/views.js'
import { defineCommand, type CommandResult, type GlobalOptions } from '../types.js'

/** Input of {@link planList}. */
export interface PlanListInput extends GlobalOptions, ListOptions {
  product?: string
}

/**
 * Lists plans.
 *
 * @example
 * ```ts
 * const { data } = await planList({ all: true }, ctx)
 * ```
 */
export async function planList(input: PlanListInput, ctx: CliContext): Promise<CommandResult> {
  return pageResult(
    await fetchList(
      await apiClient(input, ctx),
      '/v1/admin/plans',
      { product: input.product },
      input,
    ),
    PLAN_COLUMNS,
  )
}

export const planListCommand = defineCommand<PlanListInput>({
  path: ['plan', 'list'],
  summary: 'List plans',
  options: (cmd) => {
    cmd.option('--product <product>', 'only plans of this product')
    listFlags(cmd)
  },
  examples: ['tollgate plan list', 'tollgate plan list --all --json'],
  run: planList,
})
