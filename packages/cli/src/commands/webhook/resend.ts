import type { CliContext } from '../../context.js'
import { apiClient, seg } from '../../lib/session.js'
import { changedResult } from '../../lib/views.js'
import { defineCommand, type CommandResult, type GlobalOptions } from '../types.js'

/** Input of {@link webhookResend}. */
export interface WebhookResendInput extends GlobalOptions {
  id: string
}

/**
 * Sends a delivered or given-up delivery again (same event id: receivers de-duplicate on it).
 *
 * @example
 * ```ts
 * await webhookResend({ id: 'whd_123' }, ctx)
 * ```
 */
export async function webhookResend(
  input: WebhookResendInput,
  ctx: CliContext,
): Promise<CommandResult> {
  const delivery = await (
    await apiClient(input, ctx)
  ).post<Record<string, unknown>>(`/v1/admin/webhooks/deliveries/${seg(input.id)}/resend`)
  return changedResult(delivery, `Queued delivery ${input.id} again.`)
}

export const webhookResendCommand = defineCommand<WebhookResendInput>({
  path: ['webhook', 'resend'],
  summary: 'Send a webhook delivery again',
  args: ['<id>'],
  examples: ['tollgate webhook resend whd_123'],
  run: webhookResend,
})
