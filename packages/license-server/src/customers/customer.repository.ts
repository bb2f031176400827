import type { Db } from '../db/database.js'
import { toJson } from '../lib/json.js'
import type { CustomerRow } from './customer.table.js'

/** Writable customer fields. */
export interface CustomerFields {
  name: string
  email: string | null
  externalId: string | null
  stripeCustomerId: string | null
  metadata: Record<string, unknown>
}

/** Inserts a customer row. */
export async function insertCustomer(db: Db, row: CustomerRow): Promise<void> {
  await db
    .insertInto('customers')
    .values({ ...row, metadata: toJson(row.metadata) })
    .execute()
}

/** One customer of the tenant (another tenant's: undefined). */
export function findCustomer(
  db: Db,
  tenantId: string,
  id: string,
): Promise<CustomerRow | undefined> {
  return db
    .selectFrom('customers')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst()
}

/** A customer by its Stripe customer id (billing). */
export function findCustomerByStripeId(
  db: Db,
  tenantId: string,
  stripeCustomerId: string,
): Promise<CustomerRow | undefined> {
  return db
    .selectFrom('customers')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('stripe_customer_id', '=', stripeCustomerId)
    .executeTakeFirst()
}

/** Customers of the tenant, newest first. */
export function listCustomers(
  db: Db,
  tenantId: string,
  page: { limit: number; after?: string | undefined; email?: string | undefined },
): Promise<CustomerRow[]> {
  let q = db.selectFrom('customers').selectAll().where('tenant_id', '=', tenantId)
  if (page.email) q = q.where('email', '=', page.email)
  if (page.after) q = q.where('id', '<', page.after)
  return q
    .orderBy('id', 'desc')
    .limit(page.limit + 1)
    .execute()
}

/** Updates the given fields; returns the new row. */
export async function updateCustomer(
  db: Db,
  tenantId: string,
  id: string,
  patch: Partial<CustomerFields>,
  now: Date,
): Promise<CustomerRow | undefined> {
  return db
    .updateTable('customers')
    .set({
      ...(patch.name === undefined ? {} : { name: patch.name }),
      ...(patch.email === undefined ? {} : { email: patch.email }),
      ...(patch.externalId === undefined ? {} : { external_id: patch.externalId }),
      ...(patch.stripeCustomerId === undefined
        ? {}
        : { stripe_customer_id: patch.stripeCustomerId }),
      ...(patch.metadata === undefined ? {} : { metadata: toJson(patch.metadata) }),
      updated_at: now,
    })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst()
}

/** Deletes a customer. */
export async function deleteCustomer(db: Db, tenantId: string, id: string): Promise<void> {
  await db.deleteFrom('customers').where('tenant_id', '=', tenantId).where('id', '=', id).execute()
}
