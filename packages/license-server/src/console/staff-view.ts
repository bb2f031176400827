import type { AuditActor } from '../audit/audit-actor.js'
import type { StaffAccountRow } from './staff.table.js'

/**
 * The audit actor of a staff member.
 *
 * @example
 * ```ts
 * recordAudit(trx, { ..., actor: staffActor(staff.id, request) })
 * ```
 */
export function staffActor(staffId: string, request?: { id: string; ip: string }): AuditActor {
  return { actor: `staff:${staffId}`, requestId: request?.id ?? null, ip: request?.ip ?? null }
}

/**
 * What the audit log and the admin API keep of an account (never secrets).
 *
 * @example
 * ```ts
 * staffView(row) // { id, email, name, role, disabled }
 * ```
 */
export function staffView(row: StaffAccountRow): {
  id: string
  email: string
  name: string
  role: StaffAccountRow['role']
  disabled: boolean
} {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    disabled: row.disabled_at !== null,
  }
}
