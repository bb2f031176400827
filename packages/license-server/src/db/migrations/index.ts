import type { Migration } from 'kysely'
import * as core from './2026120100_core.js'
import * as fleet from './2026120110_fleet.js'
import * as billing from './2026120120_billing.js'
import * as usageBatchesPerLicense from './2026120600_usage_batches_per_license.js'
import * as webSessions from './2026120610_web_sessions.js'
import * as staff from './2026120611_staff.js'
import * as portal from './2026120620_portal.js'
import * as events from './2026120630_events.js'
import * as planSales from './2026120631_plan_sales.js'
import * as planDowngrade from './2026120632_plan_downgrade.js'
import * as scale from './2026120640_scale.js'
import * as enclaveState from './2026120641_enclave_state.js'
import * as fkIndexes from './2026120642_fk_indexes.js'
import * as fkIndexesMerged from './2026120643_fk_indexes_merged.js'
import * as offlineActivations from './2026120710_offline_activations.js'
// t18: trials and named users (issue 18)
import * as trials from './2026120720_trials.js'
import * as namedUsers from './2026120721_named_users.js'
import * as seatLeases from './2026120700_seat_leases.js'
import * as tenantImport from './2026120730_tenant_import.js'
// g16: per-hour request counts and console search indexes (issue 16)
import * as requestCounts from './2026120810_request_counts.js'
import * as consoleSearch from './2026120811_console_search.js'
import * as seatPools from './2026120830_seat_pools.js'

/**
 * Every migration, in order. Names are `YYYYMMDDNN_feature`; a feature appends its own line
 * (e.g. `'2026120110_fleet': fleet`) with a later name. Never rename or edit a shipped one.
 *
 * @example
 * ```ts
 * import * as fleet from './2026120110_fleet.js'
 * export const migrations = { ..., '2026120110_fleet': fleet }
 * ```
 */
export const migrations: Record<string, Migration> = {
  '2026120100_core': core,
  '2026120110_fleet': fleet,
  '2026120120_billing': billing,
  '2026120600_usage_batches_per_license': usageBatchesPerLicense,
  '2026120610_web_sessions': webSessions,
  '2026120611_staff': staff,
  '2026120620_portal': portal,
  '2026120630_events': events,
  '2026120631_plan_sales': planSales,
  '2026120632_plan_downgrade': planDowngrade,
  '2026120640_scale': scale,
  '2026120641_enclave_state': enclaveState,
  '2026120642_fk_indexes': fkIndexes,
  '2026120643_fk_indexes_merged': fkIndexesMerged,
  '2026120700_seat_leases': seatLeases,
  '2026120710_offline_activations': offlineActivations,
  // t18: trials and named users (issue 18)
  '2026120720_trials': trials,
  '2026120721_named_users': namedUsers,
  '2026120730_tenant_import': tenantImport,
  // g16: per-hour request counts and console search indexes (issue 16)
  '2026120810_request_counts': requestCounts,
  '2026120811_console_search': consoleSearch,
  // r18: air-gapped floating relay (issue 18)
  '2026120830_seat_pools': seatPools,
}
