import type { CliContext } from '../../context.js'
import { WEBHOOK_DELIVERY_COLUMNS } from '../../lib/columns.js'
import { fetchList, type ListOptions } from '../../lib/list.js'
import { listFlags } from '../../lib/parsers.js'
import { apiClient, seg } from '../../lib/session.js'
import { pageResult, recordResult } from '../../lib/views.js'
import { defineCommand, type CommandResult, type GlobalOptions } from '../types.js'

/** Input of {@link webhookDeliveries}. */
export interface WebhookDeliveriesInput extends GlobalOptions, ListOptions {
  endpoint?: string
  event?: string
  status?: string
}

/**
 * Lists webhook deliveries, newest first: status, attempts, last HTTP status and latency.
 *
 * @example
 * ```ts
 * const { data } = await webhookDeliveries({ status: 'failed' }, ctx)
 * ```
 */
export async function webhookDeliveries(
  input: WebhookDeliveriesInput,
  ctx: CliContext,
): Promise<CommandResult> {
  const page = await fetchList(
    await apiClient(input, ctx),
    '/v1/admin/webhooks/deliveries',
    { endpointId: input.endpoint, eventId: input.event, status: input.status },
    input,
  )
  return pageResult(page, WEBHOOK_DELIVERY_COLUMNS)
}

export const webhookDeliveriesCommand = defineCommand<WebhookDeliveriesInput>({
  path: ['webhook', 'deliveries'],
  summary: 'List webhook deliveries',
  options: (cmd) => {
    cmd
      .option('--endpoint <id>', 'only this endpoint (whe_…)')
      .option('--event <id>', 'only this event (evt_…)')
      .option('--status <status>', 'only pending, delivered or failed')
    listFlags(cmd)
  },
  examples: [
    'tollgate webhook deliveries --status failed',
    'tollgate webhook deliveries --endpoint whe_123 --json',
  ],
  run: webhookDeliveries,
})

/** Input of {@link webhookDelivery}. */
export interface WebhookDeliveryInput extends GlobalOptions {
  id: string
}

/**
 * Shows one delivery with its attempt log (status code, latency, response snippet, error).
 *
 * @example
 * ```ts
 * const { data } = await webhookDelivery({ id: 'whd_123' }, ctx)
 * ```
 */
export async function webhookDelivery(
  input: WebhookDeliveryInput,
  ctx: CliContext,
): Promise<CommandResult> {
  const delivery = await (
    await apiClient(input, ctx)
  ).get<Record<string, unknown>>(`/v1/admin/webhooks/deliveries/${seg(input.id)}`)
  return recordResult(delivery)
}

export const webhookDeliveryCommand = defineCommand<WebhookDeliveryInput>({
  path: ['webhook', 'delivery'],
  summary: 'Show a webhook delivery with its attempt log',
  args: ['<id>'],
  examples: ['tollgate webhook delivery whd_123 --json'],
  run: webhookDelivery,
})
