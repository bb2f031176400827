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

const refusals = new WeakMap<Registry, Counter<'reason'>>()

/**
 * `tollgate_trial_refusals_total{reason}`: TRIAL_ALREADY_USED answers by what the earlier
 * trial shared — `customer`, `email` or `machine` (a reinstall on the same machine).
 *
 * @example
 * ```ts
 * trialRefusalCounter(app.tollgate.metrics.registry).inc({ reason: 'machine' })
 * ```
 */
export function trialRefusalCounter(registry: Registry): Counter<'reason'> {
  let c = refusals.get(registry)
  if (!c) {
    c = new Counter({
      name: 'tollgate_trial_refusals_total',
      help: 'Trials refused as TRIAL_ALREADY_USED, by what the earlier trial shared',
      labelNames: ['reason'] as const,
      registers: [registry],
    })
    refusals.set(registry, c)
  }
  return c
}
