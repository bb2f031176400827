import type { CliContext } from '../../context.js'
import { apiClient, confirmOrAbort, seg } from '../../lib/session.js'
import { defineCommand, type CommandResult, type GlobalOptions } from '../types.js'

/** Input of {@link customerDelete}. */
export interface CustomerDeleteInput extends GlobalOptions {
  id: string
  yes?: boolean
}

/**
 * Deletes a customer (the server refuses while it has licenses, if so configured).
 *
 * @example
 * ```ts
 * await customerDelete({ id: 'cus_123', yes: true }, ctx)
 * ```
 */
export async function customerDelete(
  input: CustomerDeleteInput,
  ctx: CliContext,
): Promise<CommandResult> {
  await confirmOrAbort(input, ctx, `Delete customer ${input.id}?`)
  await (await apiClient(input, ctx)).json('DELETE', `/v1/admin/customers/${seg(input.id)}`)
  return {
    data: { id: input.id, deleted: true },
    blocks: [{ type: 'text', text: `Deleted customer ${input.id}.` }],
  }
}

export const customerDeleteCommand = defineCommand<CustomerDeleteInput>({
  path: ['customer', 'delete'],
  summary: 'Delete a customer',
  args: ['<id>'],
  destructive: true,
  examples: ['tollgate customer delete cus_123', 'tollgate customer delete cus_123 --yes'],
  run: customerDelete,
})
