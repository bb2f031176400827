import type { AuditActor } from '../audit/audit-actor.js'
import { recordAudit } from '../audit/record-audit.js'
import type { Db } from '../db/database.js'
import { WEBHOOK_RETRY_WINDOW_MS } from '../events/emit-event.js'
import { AppError } from '../errors/app-error.js'
import type { EndpointDeps } from './manage-endpoints.js'
import { resendDelivery } from './webhook-delivery.repository.js'
import type { WebhookDeliveryRow } from './webhook.table.js'

/**
 * Queues a delivered or given-up delivery again (manual resend; same event id, so receivers
 * can de-duplicate). Audited.
 *
 * @example
 * ```ts
 * const d = await resendWebhookDelivery(trx, tenantId, 'whd_...', actor, deps)
 * ```
 */
export async function resendWebhookDelivery(
  trx: Db,
  tenantId: string,
  deliveryId: string,
  actor: AuditActor,
  deps: Pick<EndpointDeps, 'now'>,
): Promise<WebhookDeliveryRow> {
  const now = deps.now()
  const row = await resendDelivery(trx, tenantId, deliveryId, now, WEBHOOK_RETRY_WINDOW_MS)
  if (!row) {
    const exists = await trx
      .selectFrom('webhook_deliveries')
      .select('id')
      .where('tenant_id', '=', tenantId)
      .where('id', '=', deliveryId)
      .executeTakeFirst()
    throw exists
      ? new AppError('WEBHOOK_DELIVERY_PENDING')
      : new AppError('NOT_FOUND', `No webhook delivery ${deliveryId}`)
  }
  await recordAudit(trx, {
    tenantId,
    actor,
    action: 'webhook_delivery.resend',
    targetType: 'webhook_delivery',
    targetId: deliveryId,
    after: { endpointId: row.endpoint_id, eventId: row.event_id },
    at: now,
  })
  return row
}
