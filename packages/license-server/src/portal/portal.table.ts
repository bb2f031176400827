import type { ColumnType, Selectable } from 'kysely'

/** A person's role in a customer account: admins also manage the team and billing. */
export type PortalRole = 'admin' | 'member'

/** `invited` until the first sign-in; `disabled` people cannot sign in. */
export type PortalUserStatus = 'invited' | 'active' | 'disabled'

/** A person who signs in to the customer portal on behalf of one customer. */
export interface PortalUserTable {
  /** `cpu_...` */
  id: string
  tenant_id: string
  customer_id: string
  /** Lower-cased; unique per tenant (one person, one customer account). */
  email: string
  role: PortalRole
  status: PortalUserStatus
  /** Audit actor that invited them (`portal:<id>`, `key:<id>`, `system`). */
  invited_by: string
  last_login_at: Date | null
  created_at: ColumnType<Date, Date, never>
  updated_at: Date
}

/**
 * A one-time sign-in code. Only a salted scrypt hash is kept; a row is written for unknown
 * emails too (user_id null, hash of a code nobody knows), so both answers cost the same.
 */
export interface PortalLoginCodeTable {
  id: string
  tenant_id: string
  email: string
  user_id: string | null
  code_hash: string
  salt: string
  attempts: ColumnType<number, number | undefined, number>
  expires_at: Date
  /** Set when used, superseded by a newer code, or burned by a lock-out. */
  consumed_at: Date | null
  created_at: ColumnType<Date, Date, never>
}

/** Per-email throttle of code requests and failed attempts (also for unknown emails). */
export interface PortalLoginThrottleTable {
  tenant_id: string
  email: string
  window_started_at: Date
  requests: number
  failures: number
  locked_until: Date | null
  updated_at: Date
}

/** One seat freed from the portal: what the per-plan limit and cooldown count. */
export interface PortalSeatResetTable {
  id: string
  tenant_id: string
  license_id: string
  deployment_id: string
  actor: string
  at: Date
}

/** The vendor's rule for seat resets from the portal, per plan (absent: the defaults). */
export interface PlanSeatResetPolicyTable {
  plan_id: string
  tenant_id: string
  /** Resets allowed per license within `window_days`; 0 disables self-service resets. */
  max_resets: number
  window_days: number
  /** Minimum time between two resets of one license. */
  cooldown_hours: number
  updated_at: Date
}

/** A one-time, short-lived sign-in link staff create to see what a customer sees. */
export interface PortalSupportLinkTable {
  /** `psl_...` */
  id: string
  tenant_id: string
  customer_id: string
  /** SHA-256 of the secret in the link. */
  token_hash: string
  created_by: string
  created_at: ColumnType<Date, Date, never>
  expires_at: Date
  used_at: Date | null
  used_ip: string | null
}

/** The vendor's branding of the portal, per tenant. */
export interface TenantBrandingTable {
  tenant_id: string
  product_name: string | null
  logo_url: string | null
  support_email: string | null
  updated_at: Date
}

/** Tables of the customer portal (issue 17). */
export interface PortalTables {
  portal_users: PortalUserTable
  portal_login_codes: PortalLoginCodeTable
  portal_login_throttle: PortalLoginThrottleTable
  portal_seat_resets: PortalSeatResetTable
  plan_seat_reset_policies: PlanSeatResetPolicyTable
  portal_support_links: PortalSupportLinkTable
  tenant_branding: TenantBrandingTable
}

export type PortalUserRow = Selectable<PortalUserTable>
export type PortalLoginCodeRow = Selectable<PortalLoginCodeTable>
export type PortalSupportLinkRow = Selectable<PortalSupportLinkTable>
export type PlanSeatResetPolicyRow = Selectable<PlanSeatResetPolicyTable>
export type TenantBrandingRow = Selectable<TenantBrandingTable>
