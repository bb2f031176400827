import type { CliContext } from '../../context.js'
import { CliError } from '../../errors.js'
import { keyString } from '../../lib/parsers.js'
import { apiClient, seg } from '../../lib/session.js'
import { changedResult } from '../../lib/views.js'
import { defineCommand, type CommandResult, type GlobalOptions } from '../types.js'

/** Input of {@link customerUpdate}. */
export interface CustomerUpdateInput extends GlobalOptions {
  id: string
  name?: string
  email?: string
  externalId?: string
  metadata?: Record<string, string>
}

/**
 * Changes a customer's fields (only those given).
 *
 * @example
 * ```ts
 * await customerUpdate({ id: 'cus_123', email: 'billing@acme.test' }, ctx)
 * ```
 */
export async function customerUpdate(
  input: CustomerUpdateInput,
  ctx: CliContext,
): Promise<CommandResult> {
  const patch = {
    ...(input.name !== undefined ? { name: input.name } : {}),
    ...(input.email !== undefined ? { email: input.email } : {}),
    ...(input.externalId !== undefined ? { externalId: input.externalId } : {}),
    ...(input.metadata !== undefined ? { metadata: input.metadata } : {}),
  }
  if (Object.keys(patch).length === 0) {
    throw new CliError('USAGE', 'Nothing to change', {
      hint: 'Pass at least one of --name, --email, --external-id, --metadata',
    })
  }
  const customer = await (
    await apiClient(input, ctx)
  ).json<Record<string, unknown>>('PATCH', `/v1/admin/customers/${seg(input.id)}`, {
    body: patch,
  })
  return changedResult(customer, `Updated customer ${input.id}.`)
}

export const customerUpdateCommand = defineCommand<CustomerUpdateInput>({
  path: ['customer', 'update'],
  summary: "Change a customer's name, email, external id or metadata",
  args: ['<id>'],
  options: (cmd) =>
    cmd
      .option('--name <name>', 'display name')
      .option('--email <email>', 'contact email')
      .option('--external-id <id>', 'your CRM id')
      .option('--metadata <key=value>', 'metadata (repeatable; replaces the set)', keyString),
  examples: ['tollgate customer update cus_123 --email billing@acme.example'],
  run: customerUpdate,
})
