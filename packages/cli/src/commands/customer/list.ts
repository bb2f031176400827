import type { CliContext } from '../../context.js'
import { CUSTOMER_COLUMNS } from '../../lib/columns.js'
import { fetchList, type ListOptions } from '../../lib/list.js'
import { listFlags } from '../../lib/parsers.js'
import { apiClient } from '../../lib/session.js'
import { pageResult } from '../../lib/views.js'
import { defineCommand, type CommandResult, type GlobalOptions } from '../types.js'

/** Input of {@link customerList}. */
export interface CustomerListInput extends GlobalOptions, ListOptions {
  email?: string
}

/**
 * Lists customers.
 *
 * @example
 * ```ts
 * const { data } = await customerList({ all: true }, ctx)
 * ```
 */
export async function customerList(
  input: CustomerListInput,
  ctx: CliContext,
): Promise<CommandResult> {
  return pageResult(
    await fetchList(
      await apiClient(input, ctx),
      '/v1/admin/customers',
      { email: input.email },
      input,
    ),
    CUSTOMER_COLUMNS,
  )
}

export const customerListCommand = defineCommand<CustomerListInput>({
  path: ['customer', 'list'],
  summary: 'List customers',
  options: (cmd) => {
    cmd.option('--email <email>', 'only the customer with this email')
    listFlags(cmd)
  },
  examples: ['tollgate customer list', 'tollgate customer list --all --json'],
  run: customerList,
})
