import type { Env } from '../config/config.schema.js'

/** Admin authentication settings (docs/server.md, "Security"). */
export interface AdminAuthConfig {
  /** Failed admin authentications per client IP per window before 429 (checked before lookup). */
  failuresMax: number
  failureWindowMs: number
  /** How long a key lookup is reused, ms (0: every request reads the database). */
  keyCacheMs: number
}

/**
 * Reads the admin authentication settings from the validated environment. A leaf of the config
 * layer: imports only `config/`.
 *
 * @example
 * ```ts
 * const adminAuth = readAdminAuthConfig(env) // { failuresMax: 30, failureWindowMs: 300000, keyCacheMs: 5000 }
 * ```
 */
export function readAdminAuthConfig(e: Env): AdminAuthConfig {
  return {
    failuresMax: e.ADMIN_AUTH_FAILURES_MAX,
    failureWindowMs: e.ADMIN_AUTH_FAILURE_WINDOW_S * 1000,
    keyCacheMs: e.ADMIN_KEY_CACHE_MS,
  }
}
