import type { CliContext } from '../../context.js'
import { apiClient, confirmOrAbort, seg } from '../../lib/session.js'
import { defineCommand, type CommandResult, type GlobalOptions } from '../types.js'

/** Input of {@link planDelete}. */
export interface PlanDeleteInput extends GlobalOptions {
  id: string
  yes?: boolean
}

/**
 * Deletes a plan (existing licenses keep their signed claims).
 *
 * @example
 * ```ts
 * await planDelete({ id: 'pln_123', yes: true }, ctx)
 * ```
 */
export async function planDelete(input: PlanDeleteInput, ctx: CliContext): Promise<CommandResult> {
  await confirmOrAbort(input, ctx, `Delete plan ${input.id}?`)
  await (await apiClient(input, ctx)).json('DELETE', `/v1/admin/plans/${seg(input.id)}`)
  return {
    data: { id: input.id, deleted: true },
    blocks: [{ type: 'text', text: `Deleted plan ${input.id}.` }],
  }
}

export const planDeleteCommand = defineCommand<PlanDeleteInput>({
  path: ['plan', 'delete'],
  summary: 'Delete a plan',
  args: ['<id>'],
  destructive: true,
  examples: ['tollgate plan delete pln_123', 'tollgate plan delete pln_123 --yes'],
  run: planDelete,
})
