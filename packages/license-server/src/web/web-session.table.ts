import type { ColumnType, Selectable } from 'kysely'

/** Who a web session belongs to: vendor staff (console) or a customer's person (portal). */
export type WebRealm = 'staff' | 'customer'

/**
 * `pending`: a sign-in in progress (password checked, second factor due; a passkey challenge).
 * `active`: a signed-in person.
 */
export type WebSessionStage = 'pending' | 'active'

/** A browser session; the cookie holds a random id, the row only its SHA-256. */
export interface WebSessionTable {
  id_hash: string
  realm: WebRealm
  stage: WebSessionStage
  tenant_id: string | null
  /** The staff account or customer user id; null while nobody is identified yet. */
  subject_id: string | null
  /** Small per-session state (a pending WebAuthn challenge, the second-factor step); jsonb. */
  data: ColumnType<Record<string, unknown>, string, string>
  created_at: ColumnType<Date, Date, never>
  last_seen_at: Date
  /** Idle timeout: moved forward on use. */
  idle_expires_at: Date
  /** Absolute timeout: never moves. */
  expires_at: ColumnType<Date, Date, never>
  ip: string | null
  user_agent: string | null
}

/** A fixed-window counter of attempts (sign-in failures per IP or per account, code tries). */
export interface WebAttemptTable {
  key: string
  window_start: Date
  count: number
}

/** Tables of the web foundation. */
export interface WebTables {
  web_sessions: WebSessionTable
  web_attempts: WebAttemptTable
}

export type WebSessionRow = Selectable<WebSessionTable>
