import { iso } from '../lib/json.js'
import type { CustomerRow } from './customer.table.js'

/** A customer as the API shows it. */
export interface CustomerView {
  id: string
  name: string
  email: string | null
  externalId: string | null
  stripeCustomerId: string | null
  metadata: Record<string, unknown>
  createdAt: string
  updatedAt: string
}

/** Row to API object. */
export function toCustomerView(row: CustomerRow): CustomerView {
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    externalId: row.external_id,
    stripeCustomerId: row.stripe_customer_id,
    metadata: row.metadata,
    createdAt: iso(row.created_at)!,
    updatedAt: iso(row.updated_at)!,
  }
}
