import type { CliContext } from '../../context.js'
import { apiClient, confirmOrAbort, seg } from '../../lib/session.js'
import { defineCommand, type CommandResult, type GlobalOptions } from '../types.js'

/** Input of {@link webhookDelete}. */
export interface WebhookDeleteInput extends GlobalOptions {
  id: string
  yes?: boolean
}

/**
 * Deletes a webhook endpoint with its delivery log.
 *
 * @example
 * ```ts
 * await webhookDelete({ id: 'whe_123', yes: true }, ctx)
 * ```
 */
export async function webhookDelete(
  input: WebhookDeleteInput,
  ctx: CliContext,
): Promise<CommandResult> {
  await confirmOrAbort(input, ctx, `Delete webhook endpoint ${input.id} and its delivery log?`)
  await (await apiClient(input, ctx)).json('DELETE', `/v1/admin/webhooks/${seg(input.id)}`)
  return {
    data: { id: input.id, deleted: true },
    blocks: [{ type: 'text', text: `Deleted webhook endpoint ${input.id}.` }],
  }
}

export const webhookDeleteCommand = defineCommand<WebhookDeleteInput>({
  path: ['webhook', 'delete'],
  summary: 'Delete a webhook endpoint',
  args: ['<id>'],
  destructive: true,
  examples: ['tollgate webhook delete whe_123 --yes'],
  run: webhookDelete,
})
