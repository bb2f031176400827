import type { CliContext } from '../../context.js'
import { apiClient, seg } from '../../lib/session.js'
import { defineCommand, type CommandResult, type GlobalOptions } from '../types.js'

/** Input of {@link webhookTest}. */
export interface WebhookTestInput extends GlobalOptions {
  id: string
}

/**
 * Queues a `webhook.test` event for one endpoint (whatever its filters), to check a receiver;
 * see the outcome with `webhook deliveries --event <id>`.
 *
 * @example
 * ```ts
 * const { data } = await webhookTest({ id: 'whe_123' }, ctx)
 * ```
 */
export async function webhookTest(
  input: WebhookTestInput,
  ctx: CliContext,
): Promise<CommandResult> {
  const res = await (
    await apiClient(input, ctx)
  ).post<{ eventId: string }>(`/v1/admin/webhooks/${seg(input.id)}/test`)
  return {
    data: res,
    blocks: [
      {
        type: 'text',
        text: `Queued test event ${res.eventId}; see it with: tollgate webhook deliveries --event ${res.eventId}`,
      },
    ],
  }
}

export const webhookTestCommand = defineCommand<WebhookTestInput>({
  path: ['webhook', 'test'],
  summary: 'Send a test event to a webhook endpoint',
  args: ['<id>'],
  examples: ['tollgate webhook test whe_123'],
  run: webhookTest,
})
