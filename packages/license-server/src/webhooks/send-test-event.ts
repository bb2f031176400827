import type { Db } from '../db/database.js'
import { emitEvent } from '../events/emit-event.js'
import { AppError } from '../errors/app-error.js'
import type { EndpointDeps } from './manage-endpoints.js'
import { findEndpoint } from './webhook-endpoint.repository.js'

/**
 * Sends a `webhook.test` event to one endpoint (whatever its filters), to check a receiver.
 *
 * @example
 * ```ts
 * const eventId = await sendTestEvent(trx, tenantId, id, deps)
 * ```
 */
export async function sendTestEvent(
  trx: Db,
  tenantId: string,
  id: string,
  deps: Pick<EndpointDeps, 'now'>,
): Promise<string> {
  const endpoint = await findEndpoint(trx, tenantId, id)
  if (!endpoint) throw new AppError('NOT_FOUND', `No webhook endpoint ${id}`)
  const eventId = await emitEvent(trx, {
    tenantId,
    type: 'webhook.test',
    subjectType: 'webhook_endpoint',
    subjectId: id,
    data: { object: { endpointId: id, message: 'Test event from Tollgate' } },
    at: deps.now(),
    endpointId: id,
  })
  return eventId!
}
