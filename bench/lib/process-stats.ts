// What a server process did while it was measured: event-loop delay and garbage collections.
// The bench prints them next to each latency figure, so a tail can be told apart: a server
// that stalled (event-loop delay, major GCs) or a machine that was busy elsewhere (neither).
import {
  constants,
  createHistogram,
  monitorEventLoopDelay,
  PerformanceObserver,
  type PerformanceEntry,
} from 'node:perf_hooks'

export interface ProcessStats {
  /** The server process's CPU, % of one core. */
  cpu: number
  /** Request latency inside the server (onRequest → response sent), p99, ms; null if none. */
  serverP99: number | null
  /** Event-loop delay p99 and max, ms. */
  loopDelayP99: number
  loopDelayMax: number
  /** Major (mark-compact) collections: how many and their summed pause, ms. */
  majorGcs: number
  majorGcMs: number
  /** Young-generation collections (scavenges). */
  minorGcs: number
}

/** CPU time over wall time, % of one core. */
export function cpuPercent(used: NodeJS.CpuUsage, wallMs: number): number {
  return ((used.user + used.system) / 1000 / wallMs) * 100
}

/** Starts recording; `read()` returns what happened since the last `reset()`. */
export function recordProcessStats(): {
  reset(): void
  read(): ProcessStats
  /** Records one request's time inside the server, ms. */
  request(ms: number): void
} {
  const latency = createHistogram()
  let cpuFrom = process.cpuUsage()
  let timeFrom = performance.now()
  const delay = monitorEventLoopDelay({ resolution: 1 })
  delay.enable()
  let majorGcs = 0
  let majorGcMs = 0
  let minorGcs = 0
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = (entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind
      if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) {
        majorGcs++
        majorGcMs += entry.duration
      } else if (kind === constants.NODE_PERFORMANCE_GC_MINOR) minorGcs++
    }
  }).observe({ entryTypes: ['gc'] })
  return {
    request(ms) {
      latency.record(Math.max(1, Math.round(ms * 1e3)))
    },
    reset() {
      cpuFrom = process.cpuUsage()
      timeFrom = performance.now()
      latency.reset()
      delay.reset()
      majorGcs = 0
      majorGcMs = 0
      minorGcs = 0
    },
    read: () => ({
      cpu: cpuPercent(process.cpuUsage(cpuFrom), performance.now() - timeFrom),
      serverP99: latency.count > 0 ? latency.percentile(99) / 1e3 : null,
      loopDelayP99: delay.percentile(99) / 1e6,
      loopDelayMax: delay.max / 1e6,
      majorGcs,
      majorGcMs,
      minorGcs,
    }),
  }
}

/** One line for the bench output. */
export function formatProcessStats(s: ProcessStats, who: string): string {
  const own = s.serverP99 === null ? '' : `, own p99 ${s.serverP99.toFixed(2)} ms`
  return `${who}: ${s.cpu.toFixed(0)}% CPU${own}, loop delay p99 ${s.loopDelayP99.toFixed(1)} ms, max ${s.loopDelayMax.toFixed(1)} ms; ${s.majorGcs} major GC (${s.majorGcMs.toFixed(1)} ms), ${s.minorGcs} scavenges`
}
