import type { CliContext } from '../../context.js'
import { collect } from '../../lib/parsers.js'
import { apiClient } from '../../lib/session.js'
import { endpointWithSecret } from '../../lib/webhook-views.js'
import { defineCommand, type CommandResult, type GlobalOptions } from '../types.js'

/** Input of {@link webhookCreate}. */
export interface WebhookCreateInput extends GlobalOptions {
  /** The receiver's URL (positional; `url` is the global server address). */
  endpointUrl: string
  /** Event types or areas (`license.*`, `*`). */
  event: string[]
  description?: string
  alertEmail?: string
}

/**
 * Registers a webhook endpoint and prints its signing secret: the only time it is shown.
 *
 * @example
 * ```ts
 * const { data } = await webhookCreate({ endpointUrl: 'https://crm.example.com/hooks', event: ['license.*'] }, ctx)
 * ```
 */
export async function webhookCreate(
  input: WebhookCreateInput,
  ctx: CliContext,
): Promise<CommandResult> {
  const res = await (
    await apiClient(input, ctx)
  ).post<{ endpoint: Record<string, unknown>; secret: string }>('/v1/admin/webhooks', {
    url: input.endpointUrl,
    eventTypes: input.event,
    ...(input.description ? { description: input.description } : {}),
    ...(input.alertEmail ? { alertEmail: input.alertEmail } : {}),
  })
  return endpointWithSecret(res, 'created')
}

export const webhookCreateCommand = defineCommand<WebhookCreateInput>({
  path: ['webhook', 'create'],
  summary: 'Register a webhook endpoint (prints its secret once)',
  // A positional URL: `--url` is the global server address.
  args: ['<endpoint-url>'],
  options: (cmd) =>
    cmd
      .requiredOption(
        '--event <types>',
        'event types to send (repeat or comma-separate; license.* or * for all)',
        collect,
      )
      .option('--description <text>', 'what the endpoint is for')
      .option('--alert-email <email>', 'who is told if the endpoint gets disabled'),
  examples: [
    'tollgate webhook create https://crm.example.com/tollgate --event license.*,deployment.activated',
    'tollgate webhook create https://hooks.example.com/t --event "*" --json | jq -r .secret',
  ],
  run: webhookCreate,
})
