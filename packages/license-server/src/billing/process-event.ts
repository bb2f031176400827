import type { Kysely } from 'kysely'
import type Stripe from 'stripe'
import type { Database, Db } from '../db/database.js'
import type { BillingDeps } from './billing-deps.js'
import { claimEvent, finishEvent } from './billing-event.repository.js'
import type { BillingEventRow } from './billing.table.js'
import { handleCheckoutCompleted } from './handle-checkout.js'
import { handleInvoiceEvent } from './handle-invoice.js'
import { handleSubscriptionEvent } from './handle-subscription.js'
import type { HandlerOutcome } from './handler-outcome.js'
import { trialCounter } from '../trials/trial-metrics.js'

type Handler = (
  trx: Db,
  tenantId: string,
  event: Stripe.Event,
  deps: BillingDeps,
) => Promise<HandlerOutcome>

/** The events billing acts on; any other type is stored and marked `ignored`. */
export const HANDLERS: Readonly<Record<string, Handler>> = {
  'checkout.session.completed': handleCheckoutCompleted,
  'checkout.session.async_payment_succeeded': handleCheckoutCompleted,
  'invoice.paid': handleInvoiceEvent,
  'invoice.payment_failed': handleInvoiceEvent,
  'customer.subscription.created': handleSubscriptionEvent,
  'customer.subscription.updated': handleSubscriptionEvent,
  'customer.subscription.deleted': handleSubscriptionEvent,
  'customer.subscription.paused': handleSubscriptionEvent,
  'customer.subscription.resumed': handleSubscriptionEvent,
}

/** Result of {@link processEvent}. */
export type ProcessResult =
  | { outcome: 'processed' | 'ignored' | 'failed'; event: BillingEventRow }
  /** Already handled (processed / ignored): nothing was done. */
  | { outcome: 'duplicate' }
  /** Another delivery holds the event right now (any instance): nothing was done. */
  | { outcome: 'in_progress' }

const SAVEPOINT = 'billing_handler'

function message(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code
  const label = typeof code === 'string' ? code : err instanceof Error ? err.name : 'Error'
  const text = err instanceof Error ? `${label}: ${err.message}` : String(err)
  return text.slice(0, 1000)
}

/**
 * Processes a stored event exactly once. In one transaction: lock the event row (`FOR UPDATE
 * SKIP LOCKED`, only while it is `received` or `failed`), run its handler inside a savepoint,
 * and record the outcome. A handler that throws is rolled back to the savepoint (none of its
 * writes survive) and the event is recorded `failed` with the error, ready for a retry by
 * Stripe's redelivery or the admin retry route. Concurrent deliveries of the same event see
 * it locked (`in_progress`) or finished (`duplicate`) and do nothing.
 *
 * @example
 * ```ts
 * const result = await processEvent(app.tollgate.db, 'evt_123', { ...app.tollgate, stripe })
 * ```
 */
export async function processEvent(
  db: Kysely<Database>,
  stripeEventId: string,
  deps: BillingDeps,
): Promise<ProcessResult> {
  const trx = await db.startTransaction().execute()
  try {
    const row = await claimEvent(trx, stripeEventId)
    if (!row) {
      await trx.commit().execute()
      const current = await db
        .selectFrom('billing_events')
        .select('status')
        .where('stripe_event_id', '=', stripeEventId)
        .executeTakeFirst()
      const open = current?.status === 'received' || current?.status === 'failed'
      return { outcome: open ? 'in_progress' : 'duplicate' }
    }
    const handler = HANDLERS[row.type]
    let outcome: {
      status: 'processed' | 'ignored' | 'failed'
      note: string | null
      error: string | null
    }
    let trialConverted = false
    if (!handler) {
      outcome = { status: 'ignored', note: 'event type not handled', error: null }
    } else {
      const sp = await trx.savepoint(SAVEPOINT).execute()
      try {
        const out = await handler(sp, row.tenant_id, row.payload as Stripe.Event, deps)
        await sp.releaseSavepoint(SAVEPOINT).execute()
        outcome = { status: out.status, note: out.note ?? null, error: null }
        trialConverted = out.trialConverted === true
      } catch (err) {
        await sp.rollbackToSavepoint(SAVEPOINT).execute()
        outcome = { status: 'failed', note: null, error: message(err) }
      }
    }
    const event = await finishEvent(trx, stripeEventId, { ...outcome, at: deps.now() })
    await trx.commit().execute()
    // Counted after the commit: a rolled-back conversion never happened.
    if (trialConverted && deps.metrics) {
      trialCounter(deps.metrics.registry).inc({ event: 'converted' })
    }
    return { outcome: outcome.status, event: event! }
  } catch (err) {
    await trx
      .rollback()
      .execute()
      .catch(() => undefined)
    throw err
  }
}
