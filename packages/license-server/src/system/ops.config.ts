import type { Env } from '../config/config.schema.js'

/** Protection of the operations routes (docs/server.md, "Operations"). */
export interface OpsConfig {
  /** Bearer token `/metrics` (and `/health`, unless public) require; undefined: open. */
  token: string | undefined
  /** Keep `/health` open even with a token (balancers that cannot send headers). */
  healthPublic: boolean
}

/**
 * Reads the operations-route settings from the validated environment. A leaf of the config
 * layer: imports only `config/`.
 *
 * @example
 * ```ts
 * const ops = readOpsConfig(env) // { token: undefined, healthPublic: false }
 * ```
 */
export function readOpsConfig(e: Env): OpsConfig {
  return { token: e.OPS_TOKEN, healthPublic: e.OPS_HEALTH_PUBLIC }
}
