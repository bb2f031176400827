import type { CliContext } from '../../context.js'
import { apiClient, seg } from '../../lib/session.js'
import { recordResult } from '../../lib/views.js'
import { defineCommand, type CommandResult, type GlobalOptions } from '../types.js'

/** Input of {@link webhookShow}. */
export interface WebhookShowInput extends GlobalOptions {
  id: string
}

/**
 * Shows one webhook endpoint: URL, filters, status and failure streak.
 *
 * @example
 * ```ts
 * const { data } = await webhookShow({ id: 'whe_123' }, ctx)
 * ```
 */
export async function webhookShow(
  input: WebhookShowInput,
  ctx: CliContext,
): Promise<CommandResult> {
  const endpoint = await (
    await apiClient(input, ctx)
  ).get<Record<string, unknown>>(`/v1/admin/webhooks/${seg(input.id)}`)
  return recordResult(endpoint)
}

export const webhookShowCommand = defineCommand<WebhookShowInput>({
  path: ['webhook', 'show'],
  summary: 'Show a webhook endpoint',
  args: ['<id>'],
  examples: ['tollgate webhook show whe_123', 'tollgate webhook show whe_123 --json'],
  run: webhookShow,
})
