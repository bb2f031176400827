import type { CliContext } from '../../context.js'
import { apiClient, seg } from '../../lib/session.js'
import { changedResult } from '../../lib/views.js'
import { defineCommand, type CommandResult, type GlobalOptions } from '../types.js'

/** Input of {@link billingRetry}. */
export interface BillingRetryInput extends GlobalOptions {
  id: string
}

/**
 * Processes a failed Stripe event again (idempotent: an event that already took effect does not
 * take effect twice).
 *
 * @example
 * ```ts
 * await billingRetry({ id: 'evt_1Q…' }, ctx)
 * ```
 */
export async function billingRetry(
  input: BillingRetryInput,
  ctx: CliContext,
): Promise<CommandResult> {
  const res = await (
    await apiClient(input, ctx)
  ).post<Record<string, unknown> | undefined>(`/v1/admin/billing/events/${seg(input.id)}/retry`)
  return changedResult(res ?? { id: input.id }, `Retried billing event ${input.id}.`)
}

export const billingRetryCommand = defineCommand<BillingRetryInput>({
  path: ['billing', 'retry'],
  summary: 'Process a failed Stripe event again',
  args: ['<id>'],
  examples: ['tollgate billing retry evt_1QAbc', 'tollgate billing retry bev_01J… --json'],
  run: billingRetry,
})
