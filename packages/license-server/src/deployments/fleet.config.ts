import type { Env } from '../config/config.schema.js'

/**
 * The fleet settings read from the environment. A leaf of the config layer: this file imports
 * only `config/`, so `load-config.ts` can wire it in without an import cycle (setupFleet takes
 * it as its `FleetOverrides`).
 */
export interface FleetConfig {
  heartbeatFlushMs: number
  cullIntervalMs: number
  missedHeartbeats: number
  revocationListTtlS: number
  revocationVersionCheckMs: number
  heartbeatReadWindowMs: number
  /** The shape of `RetentionOptions` (retention/retention-options.ts), inlined to stay a leaf. */
  retention: {
    auditDays: number
    auditExportDir?: string
    usageBatchDays: number
    addressDays: number
    intervalMs: number
  }
  keySharing: { windowS: number; action: 'flag' | 'suspend' }
}

/**
 * Reads the fleet settings from the validated environment (docs/server.md, "Fleet"). buildApp's
 * `fleet` option wins over these.
 *
 * @example
 * ```ts
 * const fleet = readFleetConfig(env) // { heartbeatFlushMs: 1000, cullIntervalMs: 60000, ... }
 * ```
 */
export function readFleetConfig(e: Env): FleetConfig {
  return {
    heartbeatFlushMs: e.HEARTBEAT_FLUSH_MS,
    cullIntervalMs: e.DEAD_DEPLOYMENT_CHECK_S * 1000,
    missedHeartbeats: e.DEAD_AFTER_MISSED_HEARTBEATS,
    revocationListTtlS: e.REVOCATION_LIST_TTL_S,
    revocationVersionCheckMs: e.REVOCATION_VERSION_CHECK_MS,
    heartbeatReadWindowMs: e.HEARTBEAT_READ_WINDOW_MS,
    retention: {
      auditDays: e.AUDIT_RETENTION_DAYS,
      ...(e.AUDIT_EXPORT_DIR === undefined ? {} : { auditExportDir: e.AUDIT_EXPORT_DIR }),
      usageBatchDays: e.USAGE_BATCH_RETENTION_DAYS,
      addressDays: e.ADDRESS_RETENTION_DAYS,
      intervalMs: e.RETENTION_CHECK_S * 1000,
    },
    keySharing: {
      windowS: e.KEY_SHARING_WINDOW_S,
      action: e.KEY_SHARING_ACTION === 'suspend' ? 'suspend' : 'flag',
    },
  }
}
