import type { AuditActor } from '../audit/audit-actor.js'
import { recordAudit } from '../audit/record-audit.js'
import type { Db } from '../db/database.js'
import { newId } from '../lib/ids.js'
import { insertCustomer } from './customer.repository.js'
import type { CustomerRow } from './customer.table.js'
import { toCustomerView } from './customer.view.js'

/** Fields of a new customer. */
export interface NewCustomer {
  name: string
  email?: string | null | undefined
  externalId?: string | null | undefined
  stripeCustomerId?: string | null | undefined
  metadata?: Record<string, unknown> | undefined
}

/**
 * Creates a customer and its `customer.create` audit entry (the API and the console both call
 * this). Run it in a transaction.
 *
 * @example
 * ```ts
 * const row = await db.transaction().execute((trx) => createCustomer(trx, tenantId, { name: 'Acme' }, actor, now()))
 * ```
 */
export async function createCustomer(
  trx: Db,
  tenantId: string,
  input: NewCustomer,
  actor: AuditActor,
  at: Date,
): Promise<CustomerRow> {
  const row: CustomerRow = {
    id: newId('cus'),
    tenant_id: tenantId,
    name: input.name,
    email: input.email ?? null,
    external_id: input.externalId ?? null,
    stripe_customer_id: input.stripeCustomerId ?? null,
    metadata: input.metadata ?? {},
    created_at: at,
    updated_at: at,
  }
  await insertCustomer(trx, row)
  await recordAudit(trx, {
    tenantId,
    actor,
    action: 'customer.create',
    targetType: 'customer',
    targetId: row.id,
    after: toCustomerView(row),
    at,
  })
  return row
}
