import type { Kysely } from 'kysely'
import type { AuditActor } from '../audit/audit-actor.js'
import { recordAudit } from '../audit/record-audit.js'
import type { Database } from '../db/database.js'
import { AppError } from '../errors/app-error.js'
import type { BillingDeps } from './billing-deps.js'
import { findEvent } from './billing-event.repository.js'
import type { BillingEventRow } from './billing.table.js'
import { processEvent } from './process-event.js'

/**
 * Processes a failed Stripe event again, through the same handler a webhook delivery runs, and
 * audits `billing_event.retry` with the outcome. Only `failed` events can be retried
 * (BILLING_EVENT_NOT_RETRYABLE), another tenant's event is NOT_FOUND, and an event another
 * delivery holds right now is BILLING_EVENT_IN_PROGRESS. Idempotent like a redelivery: an event
 * that took effect never takes effect twice. Takes the pool (not a transaction): processing
 * runs in its own transaction with the event's row lock. The admin API, the CLI (through it)
 * and the console call this.
 *
 * @example
 * ```ts
 * const after = await retryBillingEvent(db, tenantId, 'evt_123', actor, app.billing.deps)
 * after.status // 'processed' | 'ignored' | 'failed'
 * ```
 */
export async function retryBillingEvent(
  db: Kysely<Database>,
  tenantId: string,
  id: string,
  actor: AuditActor,
  deps: BillingDeps,
): Promise<BillingEventRow> {
  const row = await findEvent(db, tenantId, id)
  if (!row) throw new AppError('NOT_FOUND', `No billing event ${id}`)
  if (row.status !== 'failed') {
    throw new AppError('BILLING_EVENT_NOT_RETRYABLE', `The event is ${row.status}`)
  }
  const result = await processEvent(db, row.stripe_event_id, deps)
  if (result.outcome === 'in_progress') throw new AppError('BILLING_EVENT_IN_PROGRESS')
  const after = (await findEvent(db, tenantId, row.id))!
  await recordAudit(db, {
    tenantId,
    actor,
    action: 'billing_event.retry',
    targetType: 'billing_event',
    targetId: row.id,
    before: { status: row.status, attempts: row.attempts },
    after: { status: after.status, attempts: after.attempts, error: after.error },
    at: deps.now(),
  })
  return after
}
