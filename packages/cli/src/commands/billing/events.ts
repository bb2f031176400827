import type { CliContext } from '../../context.js'
import { BILLING_EVENT_COLUMNS } from '../../lib/columns.js'
import { fetchList, type ListOptions } from '../../lib/list.js'
import { listFlags } from '../../lib/parsers.js'
import { apiClient } from '../../lib/session.js'
import { pageResult } from '../../lib/views.js'
import { defineCommand, type CommandResult, type GlobalOptions } from '../types.js'

/** Input of {@link billingEvents}. */
export interface BillingEventsInput extends GlobalOptions, ListOptions {
  status?: string
  type?: string
}

/**
 * Lists Stripe webhook events the server received, with their processing status.
 *
 * @example
 * ```ts
 * const { data } = await billingEvents({ status: 'failed' }, ctx)
 * ```
 */
export async function billingEvents(
  input: BillingEventsInput,
  ctx: CliContext,
): Promise<CommandResult> {
  const page = await fetchList(
    await apiClient(input, ctx),
    '/v1/admin/billing/events',
    { status: input.status, type: input.type },
    input,
  )
  return pageResult(page, BILLING_EVENT_COLUMNS)
}

export const billingEventsCommand = defineCommand<BillingEventsInput>({
  path: ['billing', 'events'],
  summary: 'List Stripe webhook events and their status',
  options: (cmd) => {
    cmd
      .option('--status <status>', 'only events in this status, e.g. failed')
      .option('--type <type>', 'only this Stripe event type, e.g. invoice.paid')
    listFlags(cmd)
  },
  examples: ['tollgate billing events', 'tollgate billing events --status failed --json'],
  run: billingEvents,
})
