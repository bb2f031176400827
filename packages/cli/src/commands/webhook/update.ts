import type { CliContext } from '../../context.js'
import { CliError } from '../../errors.js'
import { collect } from '../../lib/parsers.js'
import { apiClient, seg } from '../../lib/session.js'
import { changedResult } from '../../lib/views.js'
import { defineCommand, type CommandResult, type GlobalOptions } from '../types.js'

/** Input of {@link webhookUpdate}. */
export interface WebhookUpdateInput extends GlobalOptions {
  id: string
  /** `--endpoint-url` (`--url` is the global server address). */
  endpointUrl?: string
  event?: string[]
  description?: string
  alertEmail?: string
  /** Set by `webhook enable` / `webhook disable`. */
  status?: 'enabled' | 'disabled'
}

/**
 * Changes a webhook endpoint (only the fields given); `enable` / `disable` set its status
 * (enabling clears the failure streak).
 *
 * @example
 * ```ts
 * await webhookUpdate({ id: 'whe_123', event: ['license.*'] }, ctx)
 * ```
 */
export async function webhookUpdate(
  input: WebhookUpdateInput,
  ctx: CliContext,
): Promise<CommandResult> {
  const patch = {
    ...(input.endpointUrl !== undefined ? { url: input.endpointUrl } : {}),
    ...(input.event !== undefined ? { eventTypes: input.event } : {}),
    ...(input.description !== undefined ? { description: input.description } : {}),
    ...(input.alertEmail !== undefined ? { alertEmail: input.alertEmail } : {}),
    ...(input.status !== undefined ? { status: input.status } : {}),
  }
  if (Object.keys(patch).length === 0) {
    throw new CliError('USAGE', 'Nothing to change', {
      hint: 'Pass at least one of --endpoint-url, --event, --description, --alert-email',
    })
  }
  const endpoint = await (
    await apiClient(input, ctx)
  ).json<Record<string, unknown>>('PATCH', `/v1/admin/webhooks/${seg(input.id)}`, { body: patch })
  const verb =
    input.status === 'enabled' ? 'Enabled' : input.status === 'disabled' ? 'Disabled' : 'Updated'
  return changedResult(endpoint, `${verb} webhook endpoint ${input.id}.`)
}

export const webhookUpdateCommand = defineCommand<WebhookUpdateInput>({
  path: ['webhook', 'update'],
  summary: 'Change a webhook endpoint',
  args: ['<id>'],
  options: (cmd) =>
    cmd
      .option('--endpoint-url <url>', 'new https URL of the receiver')
      .option('--event <types>', 'new event types (repeat or comma-separate)', collect)
      .option('--description <text>', 'what the endpoint is for')
      .option('--alert-email <email>', 'who is told if the endpoint gets disabled'),
  examples: ['tollgate webhook update whe_123 --event license.*,billing.payment_failed'],
  run: webhookUpdate,
})

export const webhookEnableCommand = defineCommand<WebhookUpdateInput>({
  path: ['webhook', 'enable'],
  summary: 'Enable a webhook endpoint again (clears its failure streak)',
  args: ['<id>'],
  examples: ['tollgate webhook enable whe_123'],
  run: (input, ctx) => webhookUpdate({ ...input, status: 'enabled' }, ctx),
})

export const webhookDisableCommand = defineCommand<WebhookUpdateInput>({
  path: ['webhook', 'disable'],
  summary: 'Stop sending events to a webhook endpoint',
  args: ['<id>'],
  examples: ['tollgate webhook disable whe_123'],
  run: (input, ctx) => webhookUpdate({ ...input, status: 'disabled' }, ctx),
})
