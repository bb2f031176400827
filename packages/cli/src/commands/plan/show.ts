import type { CliContext } from '../../context.js'
import { apiClient, seg } from '../../lib/session.js'
import { recordResult } from '../../lib/views.js'
import { defineCommand, type CommandResult, type GlobalOptions } from '../types.js'

/** Input of {@link planShow}. */
export interface PlanShowInput extends GlobalOptions {
  id: string
}

/**
 * Shows a plan.
 *
 * @example
 * ```ts
 * const { data } = await planShow({ id: 'pln_123' }, ctx)
 * ```
 */
export async function planShow(input: PlanShowInput, ctx: CliContext): Promise<CommandResult> {
  return recordResult(await (await apiClient(input, ctx)).get(`/v1/admin/plans/${seg(input.id)}`))
}

export const planShowCommand = defineCommand<PlanShowInput>({
  path: ['plan', 'show'],
  summary: 'Show a plan',
  args: ['<id>'],
  examples: ['tollgate plan show pln_123'],
  run: planShow,
})
