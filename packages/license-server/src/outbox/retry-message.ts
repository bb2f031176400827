import type { AuditActor } from '../audit/audit-actor.js'
import { recordAudit } from '../audit/record-audit.js'
import type { Db } from '../db/database.js'
import { AppError } from '../errors/app-error.js'
import { requeueMessage } from './outbox.repository.js'
import type { OutboxMessageRow } from './outbox.table.js'

/**
 * Puts a failed outbox message back in the queue (OUTBOX_MESSAGE_NOT_RETRYABLE unless it is
 * the tenant's and failed) with its `outbox.retry` audit entry. The API and the console both
 * call this. Run it in a transaction.
 *
 * @example
 * ```ts
 * const row = await db.transaction().execute((trx) => retryOutboxMessage(trx, tenantId, id, actor, now()))
 * ```
 */
export async function retryOutboxMessage(
  trx: Db,
  tenantId: string,
  id: string,
  actor: AuditActor,
  at: Date,
): Promise<OutboxMessageRow> {
  const row = await requeueMessage(trx, tenantId, id, at)
  if (!row) throw new AppError('OUTBOX_MESSAGE_NOT_RETRYABLE')
  await recordAudit(trx, {
    tenantId,
    actor,
    action: 'outbox.retry',
    targetType: 'outbox_message',
    targetId: row.id,
    after: { status: row.status },
    at,
  })
  return row
}
