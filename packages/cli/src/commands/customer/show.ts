import type { CliContext } from '../../context.js'
import { apiClient, seg } from '../../lib/session.js'
import { recordResult } from '../../lib/views.js'
import { defineCommand, type CommandResult, type GlobalOptions } from '../types.js'

/** Input of {@link customerShow}. */
export interface CustomerShowInput extends GlobalOptions {
  id: string
}

/**
 * Shows a customer.
 *
 * @example
 * ```ts
 * const { data } = await customerShow({ id: 'cus_123' }, ctx)
 * ```
 */
export async function customerShow(
  input: CustomerShowInput,
  ctx: CliContext,
): Promise<CommandResult> {
  return recordResult(
    await (await apiClient(input, ctx)).get(`/v1/admin/customers/${seg(input.id)}`),
  )
}

export const customerShowCommand = defineCommand<CustomerShowInput>({
  path: ['customer', 'show'],
  summary: 'Show a customer',
  args: ['<id>'],
  examples: ['tollgate customer show cus_123'],
  run: customerShow,
})
