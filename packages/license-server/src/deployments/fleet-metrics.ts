import { Gauge, type Registry } from 'prom-client'
import type { Fleet } from './fleet.js'

/**
 * Fleet instruments on the app's registry, read from the coalescer and loader at scrape time
 * (nothing is added to the heartbeat path): heartbeats recorded, flushes, UPDATE statements,
 * rows written, failed flushes, deployments pending, and batched status reads.
 *
 * @example
 * ```ts
 * registerFleetMetrics(app.tollgate.metrics.registry, fleet)
 * ```
 */
export function registerFleetMetrics(registry: Registry, fleet: Fleet): void {
  const gauge = (name: string, help: string, read: () => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(read())
      },
    })
  const s = fleet.coalescer.stats
  gauge('tollgate_fleet_heartbeats_recorded', 'Heartbeats recorded since start', () => s.recorded)
  gauge('tollgate_fleet_heartbeat_flushes', 'Coalescer flushes since start', () => s.flushes)
  gauge(
    'tollgate_fleet_heartbeat_statements',
    'Coalesced UPDATE statements since start',
    () => s.statements,
  )
  gauge(
    'tollgate_fleet_heartbeat_rows_written',
    'Deployment rows written by flushes',
    () => s.rowsWritten,
  )
  gauge(
    'tollgate_fleet_heartbeat_flush_failures',
    'Failed flushes (entries kept and retried)',
    () => s.failures,
  )
  gauge(
    'tollgate_fleet_heartbeats_quarantined',
    'Heartbeat rows the database refused as data (written without text fields, or dropped)',
    () => s.quarantined,
  )
  gauge(
    'tollgate_fleet_heartbeats_pending',
    'Deployments with a heartbeat not yet written',
    () => fleet.coalescer.size,
  )
  gauge(
    'tollgate_fleet_status_reads',
    'Batched license-status queries since start',
    () => fleet.loader.queries,
  )
}
