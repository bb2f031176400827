import type { CliContext } from '../../context.js'
import { nonNegativeInt } from '../../lib/parsers.js'
import { apiClient, seg } from '../../lib/session.js'
import { endpointWithSecret } from '../../lib/webhook-views.js'
import { defineCommand, type CommandResult, type GlobalOptions } from '../types.js'

/** Input of {@link webhookRotateSecret}. */
export interface WebhookRotateSecretInput extends GlobalOptions {
  id: string
  /** Seconds the old secret keeps signing (second signature); default the server's. */
  overlap?: number
}

/**
 * Rotates an endpoint's signing secret and prints the new one (once). During the overlap both
 * secrets sign each delivery, so the receiver can switch without missing one.
 *
 * @example
 * ```ts
 * const { data } = await webhookRotateSecret({ id: 'whe_123', overlap: 3600 }, ctx)
 * ```
 */
export async function webhookRotateSecret(
  input: WebhookRotateSecretInput,
  ctx: CliContext,
): Promise<CommandResult> {
  const res = await (
    await apiClient(input, ctx)
  ).post<{ endpoint: Record<string, unknown>; secret: string }>(
    `/v1/admin/webhooks/${seg(input.id)}/rotate-secret`,
    input.overlap === undefined ? {} : { overlapSeconds: input.overlap },
  )
  return endpointWithSecret(res, 'rotated')
}

export const webhookRotateSecretCommand = defineCommand<WebhookRotateSecretInput>({
  path: ['webhook', 'rotate-secret'],
  summary: 'Rotate the signing secret of a webhook endpoint',
  args: ['<id>'],
  options: (cmd) =>
    cmd.option(
      '--overlap <seconds>',
      'how long the old secret still signs (default: server setting, 24 h)',
      nonNegativeInt,
    ),
  examples: [
    'tollgate webhook rotate-secret whe_123',
    'tollgate webhook rotate-secret whe_123 --overlap 3600 --json',
  ],
  run: webhookRotateSecret,
})
