import type { CliContext } from '../../context.js'
import { withCustomerNames } from '../../lib/customer-names.js'
import { apiClient, seg } from '../../lib/session.js'
import { recordResult } from '../../lib/views.js'
import { defineCommand, type CommandResult, type GlobalOptions } from '../types.js'

/** Input of {@link licenseShow}. */
export interface LicenseShowInput extends GlobalOptions {
  id: string
}

/**
 * Shows one license with every field; for people, the customer's name beside its id (`--json`
 * prints the server's object untouched).
 *
 * @example
 * ```ts
 * const { data } = await licenseShow({ id: 'lic_123' }, ctx)
 * ```
 */
export async function licenseShow(
  input: LicenseShowInput,
  ctx: CliContext,
): Promise<CommandResult> {
  const client = await apiClient(input, ctx)
  const license = await client.get<Record<string, unknown>>(`/v1/admin/licenses/${seg(input.id)}`)
  if (input.json === true) return recordResult(license)
  const [named = license] = await withCustomerNames(client, [license])
  // Right after customerId, where a reader looks for whose license it is.
  const record: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(license)) {
    record[key] = value
    if (key === 'customerId' && named.customerName !== undefined) {
      record.customerName = named.customerName
    }
  }
  return recordResult(record)
}

export const licenseShowCommand = defineCommand<LicenseShowInput>({
  path: ['license', 'show'],
  summary: 'Show a license',
  args: ['<id>'],
  examples: ['tollgate license show lic_123', 'tollgate license show lic_123 --json | jq .status'],
  run: licenseShow,
})
