import type { ColumnType, Selectable } from 'kysely'

/** How a trial came to be. */
export type TrialSource = 'staff' | 'self_service'

/** One trial license (at most one per customer and per email). */
export interface TrialTable {
  id: string
  tenant_id: string
  license_id: string
  customer_id: string
  plan_id: string
  /** Lower-cased contact email at issue time. */
  email: string | null
  source: TrialSource
  ends_at: Date
  /** Set when a paid checkout took the license over (the trial flag is then cleared). */
  converted_at: Date | null
  created_at: ColumnType<Date, Date, never>
}

/** A machine a trial ran on: the first trial license activated there owns it. */
export interface TrialMachineTable {
  tenant_id: string
  /** SHA-256 (hex) over tenant and the client's machine fingerprint. */
  fingerprint_hash: string
  license_id: string
  created_at: ColumnType<Date, Date, never>
}

/** An emailed 6-digit code of self-service trial sign-up (scrypt-hashed, single use). */
export interface TrialSignupCodeTable {
  id: string
  tenant_id: string
  email: string
  code_hash: string
  salt: string
  attempts: ColumnType<number, number | undefined, number>
  expires_at: Date
  consumed_at: Date | null
  created_at: ColumnType<Date, Date, never>
}

/** Per-tenant trial settings: self-service is off unless a plan is named. */
export interface TrialSettingsTable {
  tenant_id: string
  self_service_plan_id: string | null
  updated_at: Date
}

/** Tables of the trials feature. */
export interface TrialTables {
  trials: TrialTable
  trial_machines: TrialMachineTable
  trial_signup_codes: TrialSignupCodeTable
  trial_settings: TrialSettingsTable
}

export type TrialRow = Selectable<TrialTable>
