/** Tunables of portal sign-in (defaults suit production; tests shorten nothing but the clock). */
export interface PortalLoginPolicy {
  /** How long a code works. */
  codeTtlMs: number
  /** Codes sent per email within `windowMs` (more requests get the same answer, no email). */
  maxRequests: number
  windowMs: number
  /** Wrong codes per email before the lock-out. */
  maxFailures: number
  /** How long a locked-out email cannot sign in. */
  lockMs: number
}

/**
 * The defaults: codes live 10 minutes; 5 codes per 15 minutes; 5 wrong codes lock the email
 * for 15 minutes.
 *
 * @example
 * ```ts
 * const policy = { ...DEFAULT_LOGIN_POLICY, maxFailures: 3 }
 * ```
 */
export const DEFAULT_LOGIN_POLICY: PortalLoginPolicy = {
  codeTtlMs: 10 * 60_000,
  maxRequests: 5,
  windowMs: 15 * 60_000,
  maxFailures: 5,
  lockMs: 15 * 60_000,
}

/** How long a staff support link works. */
export const SUPPORT_LINK_TTL_MS = 10 * 60_000

/** Most people one customer account may have (bounds the team page and invites). */
export const MAX_TEAM_SIZE = 50

/** Seat-reset policy of a plan that has none stored: 3 resets per 30 days, 1 hour apart. */
export const DEFAULT_SEAT_RESET_POLICY = { maxResets: 3, windowDays: 30, cooldownHours: 1 }
