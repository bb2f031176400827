import { Counter, type Registry } from 'prom-client'

const counters = new WeakMap<Registry, Counter<'outcome'>>()

/**
 * `tollgate_seat_pools_total{outcome}` (created, or the refusal's error code), registered once
 * per app registry.
 *
 * @example
 * ```ts
 * seatPoolCounter(app.tollgate.metrics.registry).inc({ outcome: 'created' })
 * ```
 */
export function seatPoolCounter(registry: Registry): Counter<'outcome'> {
  let c = counters.get(registry)
  if (c === undefined) {
    c = new Counter({
      name: 'tollgate_seat_pools_total',
      help: 'Relay pool files signed (created) or refused (error code)',
      labelNames: ['outcome'] as const,
      registers: [registry],
    })
    counters.set(registry, c)
  }
  return c
}
