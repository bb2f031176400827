import { counterPerRegistry } from '../metrics/counter-per-registry.js'

/**
 * `tollgate_seat_pools_total{outcome}` (created, or the refusal's error code), registered once
 * per app registry.
 *
 * @example
 * ```ts
 * seatPoolCounter(app.tollgate.metrics.registry).inc({ outcome: 'created' })
 * ```
 */
export const seatPoolCounter = counterPerRegistry({
  name: 'tollgate_seat_pools_total',
  help: 'Relay pool files signed (created) or refused (error code)',
  labelNames: ['outcome'] as const,
})
