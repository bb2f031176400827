import type { Env } from '../config/config.schema.js'

/** Settings of the web foundation (docs/server.md, "Web console and portal"). */
export interface WebConfig {
  /** `https://licenses.example.com` (no trailing slash), or undefined: each request's own origin. */
  publicUrl: string | undefined
  /** A session unused this long is over. */
  sessionIdleMs: number
  /** A session is over this long after sign-in, used or not. */
  sessionMaxMs: number
}

/**
 * Reads the web settings from the validated environment.
 *
 * @example
 * ```ts
 * readWebConfig(env) // { publicUrl: undefined, sessionIdleMs: 1800000, sessionMaxMs: 43200000 }
 * ```
 */
export function readWebConfig(e: Env): WebConfig {
  return {
    publicUrl: e.PUBLIC_URL?.replace(/\/$/, ''),
    sessionIdleMs: e.WEB_SESSION_IDLE_MIN * 60_000,
    sessionMaxMs: e.WEB_SESSION_MAX_HOURS * 3_600_000,
  }
}
