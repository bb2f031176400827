import { iso } from '../lib/json.js'
import type { TrialRow, TrialSource } from './trial.table.js'

/** A trial as the API shows it. */
export interface TrialView {
  id: string
  licenseId: string
  customerId: string
  planId: string
  email: string | null
  source: TrialSource
  endsAt: string
  convertedAt: string | null
  createdAt: string
}

/**
 * Row to API object.
 *
 * @example
 * ```ts
 * reply.send(toTrialView(row))
 * ```
 */
export function toTrialView(row: TrialRow): TrialView {
  return {
    id: row.id,
    licenseId: row.license_id,
    customerId: row.customer_id,
    planId: row.plan_id,
    email: row.email,
    source: row.source,
    endsAt: iso(row.ends_at)!,
    convertedAt: iso(row.converted_at),
    createdAt: iso(row.created_at)!,
  }
}
