import type { Migration } from 'kysely'
import * as core from './2026120100_core.js'
import * as fleet from './2026120110_fleet.js'
import * as billing from './2026120120_billing.js'
import * as portal from './2026120620_portal.js'
import * as scale from './2026120640_scale.js'
import * as events from './2026120630_events.js'
import * as webSessions from './2026120610_web_sessions.js'
import * as enclaveState from './2026120641_enclave_state.js'
import * as fkIndexes from './2026120642_fk_indexes.js'

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
  '2026120610_web_sessions': webSessions,
  '2026120620_portal': portal,
  '2026120630_events': events,
  '2026120640_scale': scale,
  '2026120641_enclave_state': enclaveState,
  '2026120642_fk_indexes': fkIndexes,
}
