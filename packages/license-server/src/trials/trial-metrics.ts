import { Counter, type Registry } from 'prom-client'

const counters = new WeakMap<Registry, Counter<'event'>>()

/**
 * `tollgate_trials_total{event}` of an app's registry (created once per registry): `issued`,
 * `self_service_issued`, `converted`, `refused`.
 *
 * @example
 * ```ts
 * trialCounter(app.tollgate.metrics.registry).inc({ event: 'issued' })
 * ```
 */
export function trialCounter(registry: Registry): Counter<'event'> {
  let c = counters.get(registry)
  if (!c) {
    c = new Counter({
      name: 'tollgate_trials_total',
      help: 'Trial licenses issued, converted to paid and refused, by event',
      labelNames: ['event'] as const,
      registers: [registry],
    })
    counters.set(registry, c)
  }
  return c
}
