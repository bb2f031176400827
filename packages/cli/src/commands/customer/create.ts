import type { CliContext } from '../../context.js'
import { keyString } from '../../lib/parsers.js'
import { apiClient } from '../../lib/session.js'
import { changedResult } from '../../lib/views.js'
import { defineCommand, type CommandResult, type GlobalOptions } from '../types.js'

/** Input of {@link customerCreate}. */
export interface CustomerCreateInput extends GlobalOptions {
  name: string
  email?: string
  externalId?: string
  metadata?: Record<string, string>
}

/**
 * Creates a customer.
 *
 * @example
 * ```ts
 * const { data } = await customerCreate({ name: 'Acme', email: 'it@acme.test' }, ctx)
 * ```
 */
export async function customerCreate(
  input: CustomerCreateInput,
  ctx: CliContext,
): Promise<CommandResult> {
  const customer = await (
    await apiClient(input, ctx)
  ).post<Record<string, unknown>>('/v1/admin/customers', {
    name: input.name,
    ...(input.email ? { email: input.email } : {}),
    ...(input.externalId ? { externalId: input.externalId } : {}),
    ...(input.metadata ? { metadata: input.metadata } : {}),
  })
  return changedResult(customer, `Created customer ${String(customer.id)}.`)
}

export const customerCreateCommand = defineCommand<CustomerCreateInput>({
  path: ['customer', 'create'],
  summary: 'Create a customer',
  options: (cmd) =>
    cmd
      .requiredOption('--name <name>', 'display name')
      .option('--email <email>', 'contact email')
      .option('--external-id <id>', 'your CRM id')
      .option('--metadata <key=value>', 'metadata (repeatable)', keyString),
  examples: [
    'tollgate customer create --name "Acme Corp" --email it@acme.example',
    'tollgate customer create --name Acme --email it@acme.example --json | jq -r .id',
  ],
  run: customerCreate,
})
