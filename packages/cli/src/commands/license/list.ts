import { Option } from 'commander'
import type { CliContext } from '../../context.js'
import { LICENSE_COLUMNS } from '../../lib/columns.js'
import { withCustomerNames } from '../../lib/customer-names.js'
import { fetchList, type ListOptions } from '../../lib/list.js'
import { listFlags } from '../../lib/parsers.js'
import { apiClient } from '../../lib/session.js'
import { pageResult } from '../../lib/views.js'
import { defineCommand, type CommandResult, type GlobalOptions } from '../types.js'

/** Input of {@link licenseList}. */
export interface LicenseListInput extends GlobalOptions, ListOptions {
  status?: 'active' | 'suspended' | 'revoked' | 'expired'
  customer?: string
  plan?: string
}

/**
 * Lists licenses, filtered by status, customer or plan.
 *
 * @example
 * ```ts
 * const { data } = await licenseList({ status: 'active', all: true }, ctx)
 * ```
 */
export async function licenseList(
  input: LicenseListInput,
  ctx: CliContext,
): Promise<CommandResult> {
  const client = await apiClient(input, ctx)
  const page = await fetchList(
    client,
    '/v1/admin/licenses',
    { status: input.status, customerId: input.customer, planId: input.plan },
    input,
  )
  // Names are for people; scripts (--json) get the server's objects untouched.
  const rows = input.json === true ? page.items : await withCustomerNames(client, page.items)
  return pageResult(page, LICENSE_COLUMNS, rows)
}

export const licenseListCommand = defineCommand<LicenseListInput>({
  path: ['license', 'list'],
  summary: 'List licenses',
  options: (cmd) => {
    cmd
      .addOption(
        new Option('--status <status>', 'only this status').choices([
          'active',
          'suspended',
          'revoked',
          'expired',
        ]),
      )
      .option('--customer <id>', 'only this customer')
      .option('--plan <id>', 'only this plan')
    listFlags(cmd)
  },
  examples: [
    'tollgate license list --status active',
    'tollgate license list --customer cus_123 --all --json',
  ],
  run: licenseList,
})
