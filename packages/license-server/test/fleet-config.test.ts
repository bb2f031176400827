import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../src/config/load-config.js'

describe('fleet configuration', () => {
  it('reads the fleet settings from the environment, with defaults', () => {
    expect(loadConfig({}).fleet).toEqual({
      heartbeatFlushMs: 1000,
      cullIntervalMs: 60_000,
      missedHeartbeats: 3,
      revocationListTtlS: 3600,
      revocationVersionCheckMs: 1000,
      heartbeatReadWindowMs: 100,
      keySharing: { windowS: 3600, action: 'flag' },
      retention: { auditDays: 0, usageBatchDays: 400, addressDays: 30, intervalMs: 3_600_000 },
    })
    const c = loadConfig({
      HEARTBEAT_FLUSH_MS: '250',
      DEAD_DEPLOYMENT_CHECK_S: '5',
      DEAD_AFTER_MISSED_HEARTBEATS: '2',
      REVOCATION_LIST_TTL_S: '600',
      REVOCATION_VERSION_CHECK_MS: '250',
      KEY_SHARING_WINDOW_S: '7200',
      KEY_SHARING_ACTION: 'suspend',
      HEARTBEAT_READ_WINDOW_MS: '0',
      AUDIT_RETENTION_DAYS: '365',
      AUDIT_EXPORT_DIR: '/srv/audit',
      USAGE_BATCH_RETENTION_DAYS: '90',
      ADDRESS_RETENTION_DAYS: '7',
      RETENTION_CHECK_S: '0',
    })
    expect(c.fleet).toEqual({
      heartbeatFlushMs: 250,
      cullIntervalMs: 5000,
      missedHeartbeats: 2,
      revocationListTtlS: 600,
      revocationVersionCheckMs: 250,
      heartbeatReadWindowMs: 0,
      keySharing: { windowS: 7200, action: 'suspend' },
      retention: {
        auditDays: 365,
        auditExportDir: '/srv/audit',
        usageBatchDays: 90,
        addressDays: 7,
        intervalMs: 0,
      },
    })
  })

  it('names the variable of a bad value', () => {
    expect(() => loadConfig({ KEY_SHARING_ACTION: 'nuke' })).toThrow(ConfigError)
    expect(() => loadConfig({ DEAD_AFTER_MISSED_HEARTBEATS: '0' })).toThrow(
      /DEAD_AFTER_MISSED_HEARTBEATS/,
    )
  })
})
