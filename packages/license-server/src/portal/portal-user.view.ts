import { iso } from '../lib/json.js'
import type { PortalUserRow } from './portal.table.js'

/**
 * A person of a customer account as the admin API shows it.
 *
 * @example
 * ```ts
 * reply.send(toPortalUserView(row))
 * ```
 */
export function toPortalUserView(row: PortalUserRow) {
  return {
    id: row.id,
    customerId: row.customer_id,
    email: row.email,
    role: row.role,
    status: row.status,
    invitedBy: row.invited_by,
    lastLoginAt: iso(row.last_login_at),
    createdAt: iso(row.created_at)!,
  }
}
