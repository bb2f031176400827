import { Gauge, type Registry } from 'prom-client'
import type { LruStats } from '../lib/lru-cache.js'

/**
 * Exposes bounded caches on /metrics, labelled by cache name: `tollgate_cache_entries`,
 * `tollgate_cache_max_entries`, `tollgate_cache_hits`, `tollgate_cache_misses`,
 * `tollgate_cache_evictions` (the last three count since start).
 *
 * @example
 * ```ts
 * registerCacheMetrics(metrics.registry, () => signingKeys.cacheStats())
 * ```
 */
export function registerCacheMetrics(registry: Registry, read: () => LruStats[]): void {
  const fields = [
    ['entries', 'Entries held by a bounded cache', 'size'],
    ['max_entries', 'Size limit of a bounded cache', 'max'],
    ['hits', 'Cache hits since start', 'hits'],
    ['misses', 'Cache misses since start', 'misses'],
    ['evictions', 'Entries evicted to stay within the limit, since start', 'evictions'],
    ['bytes', 'Bytes held by a cache bounded by bytes', 'bytes'],
    ['max_bytes', 'Byte budget of a cache bounded by bytes', 'maxBytes'],
  ] as const
  for (const [suffix, help, field] of fields) {
    new Gauge({
      name: `tollgate_cache_${suffix}`,
      help,
      labelNames: ['cache'] as const,
      registers: [registry],
      collect() {
        for (const s of read()) {
          const value = s[field]
          if (value !== undefined) this.set({ cache: s.name }, value)
        }
      },
    })
  }
}
