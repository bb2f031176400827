import type { AuditActor } from '../audit/audit-actor.js'
import { recordAudit } from '../audit/record-audit.js'
import type { Db } from '../db/database.js'
import { AppError } from '../errors/app-error.js'
import { findCustomer, updateCustomer, type CustomerFields } from './customer.repository.js'
import type { CustomerRow } from './customer.table.js'
import { toCustomerView } from './customer.view.js'

/**
 * Changes a customer's fields and writes the `customer.update` audit entry (the API's PATCH and
 * the console both call this). NOT_FOUND for another tenant's customer. Run it in a transaction.
 *
 * @example
 * ```ts
 * const row = await db.transaction().execute((trx) => editCustomer(trx, tenantId, id, { name: 'Acme' }, actor, now()))
 * ```
 */
export async function editCustomer(
  trx: Db,
  tenantId: string,
  id: string,
  patch: Partial<CustomerFields>,
  actor: AuditActor,
  at: Date,
): Promise<CustomerRow> {
  const before = await findCustomer(trx, tenantId, id)
  if (!before) throw new AppError('NOT_FOUND', `No customer ${id}`)
  const after = (await updateCustomer(trx, tenantId, id, patch, at))!
  await recordAudit(trx, {
    tenantId,
    actor,
    action: 'customer.update',
    targetType: 'customer',
    targetId: after.id,
    before: toCustomerView(before),
    after: toCustomerView(after),
    at,
  })
  return after
}
