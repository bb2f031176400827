import type { ColumnType, Selectable } from 'kysely'
import type { StaffRole } from './roles.js'

/** A vendor staff member who signs in to the console. */
export interface StaffAccountTable {
  id: string
  tenant_id: string
  /** Lower-cased; unique on the server (sign-in finds the account, and with it the tenant). */
  email: string
  name: string
  role: StaffRole
  /** `scrypt$N$r$p$salt$hash`, or null for a passkey-only account. */
  password_hash: string | null
  /** TOTP secret sealed with the master key (AES-256-GCM). */
  totp_secret_sealed: string | null
  /** Last accepted TOTP time step: a code is never accepted twice. */
  totp_last_step: number | null
  /** SHA-256 of unused recovery codes; jsonb array. */
  recovery_code_hashes: ColumnType<string[], string, string>
  disabled_at: Date | null
  last_login_at: Date | null
  created_at: ColumnType<Date, Date, never>
  updated_at: Date
}

/** A WebAuthn credential (passkey) of a staff member. */
export interface StaffPasskeyTable {
  /** Credential id, base64url. */
  id: string
  staff_id: string
  tenant_id: string
  /** COSE public key, base64url. */
  public_key: string
  counter: number
  transports: ColumnType<string[], string, string>
  name: string
  created_at: ColumnType<Date, Date, never>
  last_used_at: Date | null
}

/** A one-time link that creates a staff account (the first owner's setup link, invitations). */
export interface StaffInviteTable {
  id: string
  tenant_id: string
  /** Null on the first-owner setup link (the owner types their email). */
  email: string | null
  role: StaffRole
  token_hash: string
  expires_at: Date
  used_at: Date | null
  created_by: string
  created_at: ColumnType<Date, Date, never>
}

/** Tables of the staff console. */
export interface StaffTables {
  staff_accounts: StaffAccountTable
  staff_passkeys: StaffPasskeyTable
  staff_invites: StaffInviteTable
}

export type StaffAccountRow = Selectable<StaffAccountTable>
export type StaffPasskeyRow = Selectable<StaffPasskeyTable>
export type StaffInviteRow = Selectable<StaffInviteTable>
