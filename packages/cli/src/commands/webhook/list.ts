import type { CliContext } from '../../context.js'
import { WEBHOOK_COLUMNS } from '../../lib/columns.js'
import { fetchList, type ListOptions } from '../../lib/list.js'
import { listFlags } from '../../lib/parsers.js'
import { apiClient } from '../../lib/session.js'
import { pageResult } from '../../lib/views.js'
import { defineCommand, type CommandResult, type GlobalOptions } from '../types.js'

/** Input of {@link webhookList}. */
export interface WebhookListInput extends GlobalOptions, ListOptions {}

/**
 * Lists the webhook endpoints, newest first (never their secrets).
 *
 * @example
 * ```ts
 * const { data } = await webhookList({}, ctx)
 * ```
 */
export async function webhookList(
  input: WebhookListInput,
  ctx: CliContext,
): Promise<CommandResult> {
  const page = await fetchList(await apiClient(input, ctx), '/v1/admin/webhooks', {}, input)
  return pageResult(page, WEBHOOK_COLUMNS)
}

export const webhookListCommand = defineCommand<WebhookListInput>({
  path: ['webhook', 'list'],
  summary: 'List webhook endpoints',
  options: (cmd) => listFlags(cmd),
  examples: ['tollgate webhook list', 'tollgate webhook list --json'],
  run: webhookList,
})
